"""The problem inventory rule (docs/methodology.md §8), pure: indicator scores in, items needing action out.

An indicator needs action when its NRR is below the target, when its own category (its NRR converted to
the 25–100 index and read against the version's bands) is C or D, or when it is among the weakest three
regardless. No Django, no ORM: the selectors feed it numbers read from snapshots.
"""
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from reporting.indices import Band, Scale, category_for, converted_index, round_half_up

BELOW_TARGET = "below_target"
LOW_CATEGORY = "low_category"
WEAKEST = "weakest"
LOW_CATEGORIES = frozenset({"C", "D"})


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


def target_on_scale(target_1_4: Decimal, *, scale_min: int, scale_max: int) -> Decimal:
    """A target written for a 1–4 scale, mapped onto the version's own scale (the inverse of 5.4)."""
    value = scale_min + (Fraction(target_1_4) - 1) * Fraction(scale_max - scale_min, 3)
    return round_half_up(value)


def indicators_needing_action(
    scores: list[IndicatorScore],
    *,
    target: Decimal,
    bands: list[dict[str, str]],
    scale_min: int,
    scale_max: int,
    weakest: int = 3,
) -> list[InventoryItem]:
    """The pre-filled follow-up list, weakest first (ties by indicator order).

    `target` is on the version's scale and compared with the displayed (rounded) NRR, so that an indicator
    shown as 3.60 against a 3.60 target is never listed as below it.
    """
    scale, band_rows = Scale(scale_min, scale_max), [Band.from_dict(row) for row in bands]
    ordered = sorted(scores, key=lambda s: (s.mean, s.position))
    weakest_codes = {s.code for s in ordered[: max(weakest, 0)]}
    items = []
    for score in ordered:
        nrr = round_half_up(score.mean)
        ik = round_half_up(converted_index(score.mean, scale))
        category = category_for(ik, band_rows)
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
