"""IPAK/IPKP figures of one scope from its integer sums with integer arithmetic only, for recomputes at scale.

The same results as `reporting.indices.compute_index` (exact NRR_i, composite NRR with weight 1/n, IK, the
category of the rounded IK, everything rounded once half-up to 2 decimals), and as `reporting.uncertainty`'s
interval, without building a `Fraction` per indicator: an exact value is kept as an unreduced integer pair
(numerator, denominator) and rounded with one floor division. Pure: no Django, no ORM.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from . import uncertainty
from .indices import Band, Scale

Exact = tuple[int, int]  # (numerator, denominator), denominator > 0, not reduced


def hundredths(num: int, den: int) -> int:
    """num/den rounded half-up to hundredths, as an integer (3.145 -> 315): floor((200·num + den) / 2·den)."""
    return (200 * num + den) // (2 * den)


def text_of(h: int) -> str:
    """Hundredths as the stored text ("3.40"), as str() of the 2-decimal Decimal."""
    return f"{h // 100}.{h % 100:02d}" if h >= 0 else str(Decimal(h).scaleb(-2))


# Indicator means take few distinct values (0.00–10.00 covers every scale in use): look them up.
TEXTS = [text_of(h) for h in range(1001)]


# IKs and NRRs in hundredths (0.00–100.00): one Decimal each, built once.
DECIMALS = [Decimal(h).scaleb(-2) for h in range(10001)]


def decimal_of(h: int) -> Decimal:
    return DECIMALS[h] if 0 <= h <= 10000 else Decimal(h).scaleb(-2)


@dataclass(frozen=True)
class Layout:
    """What the maths needs of an instrument version: its indicator count, scale and bands (bounds in
    hundredths, compared with the rounded IK as `reporting.indices.category_for` does)."""

    width: int
    scale: Scale
    bands: tuple[Band, ...]

    def __post_init__(self) -> None:
        bounds = tuple((b.code, b.min * 100, b.max * 100) for b in self.bands)
        object.__setattr__(self, "_bounds", bounds)

    def category(self, ik_hundredths: int) -> str:
        for code, low, high in self._bounds:  # type: ignore[attr-defined]
            if low <= ik_hundredths <= high:
                return code
        return ""


class Figure(NamedTuple):
    """One scope's index: rounded figures for display and storage, and the exact NRR and IK."""

    nrr: Decimal | None
    ik: Decimal | None
    category: str
    indicators: list[str | None]  # NRR_i as stored text, None where nobody answered
    nrr_exact: Exact | None
    ik_exact: Exact | None


def figure(sums: list[int], counts: list[int], layout: Layout) -> Figure:
    """NRR_i, composite NRR (over the answered indicators), IK and category of one scope."""
    width = layout.width
    if len(counts) != width:  # a period's sums are as wide as its widest version
        sums, counts = sums[:width], counts[:width]
    first = counts[0] if width else 0
    if first and counts.count(first) == width:
        # Every counted response answered every indicator (the usual case): one denominator, no lcm.
        two = 2 * first
        texts = [TEXTS[h] if 0 <= h <= 1000 else text_of(h) for h in [(200 * total + first) // two for total in sums]]
        return _composite(texts, sum(sums), first * width, layout)
    texts: list[str | None] = []
    answered = []
    for i in range(width):
        count = counts[i]
        if count:
            total = sums[i]
            h = (200 * total + count) // (2 * count)
            texts.append(TEXTS[h] if 0 <= h <= 1000 else text_of(h))
            answered.append((total, count))
        else:
            texts.append(None)
    if not answered:
        return Figure(None, None, "", texts, None, None)
    common = math.lcm(*(count for _total, count in answered))
    num = sum(total * (common // count) for total, count in answered)
    return _composite(texts, num, common * len(answered), layout)


def _composite(texts: list[str | None], num: int, den: int, layout: Layout) -> Figure:
    """The figure whose exact composite NRR is num/den."""
    span, minimum = layout.scale.maximum - layout.scale.minimum, layout.scale.minimum
    # IK = (1 + 3·(NRR − min)/(max − min)) × 25 = 25 + 75·(NRR − min)/(max − min).
    ik_num, ik_den = 25 * span * den + 75 * (num - minimum * den), span * den
    ik_h = hundredths(ik_num, ik_den)
    return Figure(decimal_of(hundredths(num, den)), decimal_of(ik_h), layout.category(ik_h), texts,
                  (num, den), (ik_num, ik_den))


class Spread(NamedTuple):
    se: float
    margin: float
    low: float
    high: float
    categories: tuple[str, ...]


def spread(n: int, total: int, squares: int, ik: Exact | None, layout: Layout,
           population: int | None) -> Spread | None:
    """The IK's 95 % interval as `reporting.uncertainty.interval` computes it (the same floats: the exact
    variance is one correctly rounded integer division); None for an empty scope or a single response."""
    if ik is None or n < 2:
        return None
    slope_den = layout.width * (layout.scale.maximum - layout.scale.minimum)
    variance = 5625 * max(squares * n - total * total, 0) / (slope_den * slope_den * n * (n - 1))
    se = math.sqrt(variance) / math.sqrt(n) * uncertainty.fpc(n, population)
    margin = uncertainty.t_quantile_975(n - 1) * se
    centre = ik[0] / ik[1]
    low, high = _shown(centre - margin), _shown(centre + margin)
    if low is None or high is None:  # next to a half-hundredth: the exact rounding decides
        categories = uncertainty.categories_touched(Fraction(*ik), margin, layout.bands)
    else:
        own = layout.category(hundredths(*ik))
        bands = layout.bands
        touched = [(min(abs(float(b.min) - centre), abs(float(b.max) - centre)), n) for n, (b, (code, b_min, b_max))
                   in enumerate(zip(bands, layout._bounds, strict=True))  # type: ignore[attr-defined]
                   if code != own and b_max >= low and b_min <= high]
        touched.sort()
        categories = tuple(([own] if own else []) + [bands[n].code for _d, n in touched])
    return Spread(se, margin, centre - margin, centre + margin, categories)


def _shown(value: float) -> int | None:
    """`value` as uncertainty.categories_touched rounds an interval bound (its nearest fraction with a
    denominator up to 10⁶, half-up to hundredths), in hundredths; None within 10⁻³ hundredths of a half, where
    that approximation could fall on either side and only the exact path may decide."""
    scaled = value * 100
    whole = math.floor(scaled)
    rest = scaled - whole
    if abs(rest - 0.5) < 1e-3:
        return None
    return whole + (1 if rest > 0.5 else 0)
