"""The problem inventory rule (methodology section 8), pure: indicator scores in, items needing action out.

An indicator needs action when its NRR is below the target, when its own category (its NRR converted to
the 25–100 index and read against the version's bands) is C or D, or when it is among the weakest three
regardless. No Django, no ORM: the selectors feed it numbers read from snapshots.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

BELOW_TARGET = "below_target"
LOW_CATEGORY = "low_category"
WEAKEST = "weakest"
LOW_CATEGORIES = frozenset({"C", "D"})
CENT = Decimal("0.01")


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's exact mean score (sum ÷ count of counted answers) on the version's scale."""

    code: str
    position: int
    mean: Fraction


@dataclass(frozen=True)
class InventoryItem:
    code: str
    position: int
    nrr: Decimal  # rounded half-up to 2 decimals, as displayed
    ik: Decimal
    category: str
    reasons: tuple[str, ...]


def round2(value: Fraction) -> Decimal:
    """Half-up to 2 decimals from an exact fraction (never through a binary float)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def converted_index(mean: Fraction, *, scale_min: int, scale_max: int) -> Decimal:
    """IK = NRR on 1–4 × 25, after mapping another scale linearly onto 1–4 (methodology section 5.4)."""
    on_1_4 = 1 + 3 * (mean - scale_min) / Fraction(scale_max - scale_min)
    return round2(on_1_4 * 25)


def category_of(ik: Decimal, bands: list[dict]) -> str:
    """The band whose [min, max] holds the rounded IK; empty when none does."""
    for band in bands:
        if Decimal(str(band["min"])) <= ik <= Decimal(str(band["max"])):
            return band["code"]
    return ""


def target_on_scale(target_1_4: Decimal, *, scale_min: int, scale_max: int) -> Decimal:
    """A target written for a 1–4 scale, mapped onto the version's own scale (the inverse of 5.4)."""
    value = scale_min + (Fraction(target_1_4) - 1) * Fraction(scale_max - scale_min, 3)
    return round2(value)


def indicators_needing_action(
    scores: list[IndicatorScore],
    *,
    target: Decimal,
    bands: list[dict],
    scale_min: int,
    scale_max: int,
    weakest: int = 3,
) -> list[InventoryItem]:
    """The pre-filled follow-up list, weakest first (ties by indicator order).

    `target` is on the version's scale and compared with the displayed (rounded) NRR, so that an indicator
    shown as 3.60 against a 3.60 target is never listed as below it.
    """
    ordered = sorted(scores, key=lambda s: (s.mean, s.position))
    weakest_codes = {s.code for s in ordered[: max(weakest, 0)]}
    items = []
    for score in ordered:
        nrr = round2(score.mean)
        ik = converted_index(score.mean, scale_min=scale_min, scale_max=scale_max)
        category = category_of(ik, bands)
        reasons = []
        if nrr < target:
            reasons.append(BELOW_TARGET)
        if category in LOW_CATEGORIES:
            reasons.append(LOW_CATEGORY)
        if score.code in weakest_codes:
            reasons.append(WEAKEST)
        if reasons:
            items.append(InventoryItem(score.code, score.position, nrr, ik, category, tuple(reasons)))
    return items
