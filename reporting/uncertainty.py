"""How sure an IK is (docs/methodology.md §"Ketidakpastian"): margins of error from exact integer sums.

Pure: no Django, no ORM. Terms:
- t_r: the total score one counted response gave (the sum of its indicator scores). Each response's own IK is
  y_r = 25 + 75 · (t_r / k − min) / (max − min) for an instrument of k indicators on the scale min..max,
  so y_r = a + b · t_r with b = 75 / (k · (max − min)), and the unit IK is the mean of the y_r when every
  response answers every indicator (the public form requires it).
- Sufficient statistics (kept exactly, as integers, in the running totals and snapshots): n, Σt, Σt².
- Sample variance of y: s² = b² · (Σt² − (Σt)²/n) / (n − 1); standard error SE = s/√n · √(1 − n/N) with the
  finite-population correction when the unit's population N is known (and n < N).
- 95 % interval: IK ± t(0.975; n − 1) · SE (Student t; its quantiles from the table below, exact to 3 decimals).
- Category interval: the categories whose bands the interval [IK − m, IK + m] touches.
- Pooled Kanwil and national intervals: the same formula over the summed n, Σt, Σt² of their units.
- Change between periods: Welch's z on the two IK means, z = (IK₂ − IK₁) / √(SE₁² + SE₂²); |z| ≥ 1.96 is a
  change larger than its uncertainty (two-sided, 5 %).
- Change of one indicator's mean between periods (follow-up): Welch's t on the two means from each period's
  exact n, Σs, Σs² of that indicator, t = (m₂ − m₁) / √(v₁ + v₂) with vᵢ = sᵢ²/nᵢ, against t(0.975; ν) for the
  Welch–Satterthwaite ν (rounded down): with many responses this is the z test above, with few it asks more.
- Precision target: n₀ = (1.96 · s / E)² for a margin E, with n = n₀ / (1 + (n₀ − 1)/N) when N is known.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .indices import Band, Scale, category_for, round_half_up

Z_95 = 1.959963984540054
Z_998 = 3.090232306167813
# t(0.975; df) for df = 1..30 (standard tables); larger df use the Cornish–Fisher series below.
T_975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)
MIN_SAMPLE = 30  # below this the interval is shown with the "sampel belum memenuhi" warning


def t_quantile_975(df: int) -> float:
    """Student t 97.5 % quantile (two-sided 95 %) for df ≥ 1 degrees of freedom."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(T_975):
        return T_975[df - 1]
    z = Z_95
    # Cornish–Fisher expansion of t in powers of 1/df (error < 1e-5 for df > 30).
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    return z + g1 / df + g2 / df**2 + g3 / df**3


@dataclass(frozen=True)
class Moments:
    """n, Σt and Σt² of the counted responses' total scores: exact integers that add up across scopes."""

    n: int = 0
    total: int = 0
    squares: int = 0

    def __add__(self, other: Moments) -> Moments:
        return Moments(self.n + other.n, self.total + other.total, self.squares + other.squares)

    @classmethod
    def of(cls, totals: Iterable[int]) -> Moments:
        values = list(totals)
        return cls(len(values), sum(values), sum(v * v for v in values))


def pool(parts: Iterable[Moments]) -> Moments:
    """Pooled moments of several scopes (Kanwil, nation): plain integer sums."""
    result = Moments()
    for part in parts:
        result = result + part
    return result


def ik_slope(indicators: int, scale: Scale) -> Fraction:
    """b in y_r = a + b · t_r: one point of total score in IK points."""
    if indicators < 1:
        raise ValueError("an instrument has at least one indicator")
    return Fraction(75, indicators * (scale.maximum - scale.minimum))


def ik_variance(moments: Moments, *, indicators: int, scale: Scale) -> Fraction | None:
    """Exact sample variance s² of the responses' own IKs; None below two responses."""
    n = moments.n
    if n < 2:
        return None
    spread = Fraction(moments.squares) - Fraction(moments.total * moments.total, n)
    return ik_slope(indicators, scale) ** 2 * max(spread, Fraction(0)) / (n - 1)


def fpc(n: int, population: int | None) -> float:
    """√(1 − n/N) when N is known; 1 when not (or when N is not larger than n, where it would be 0)."""
    if not population or population <= 0:
        return 1.0
    if n >= population:
        return 0.0
    return math.sqrt(1 - n / population)


@dataclass(frozen=True)
class Interval:
    """IK ± margin (95 %), its bounds and the categories the interval touches."""

    n: int
    ik: Fraction
    sd: float
    se: float
    df: int
    margin: float
    categories: tuple[str, ...]
    population: int | None = None

    @property
    def low(self) -> float:
        return float(self.ik) - self.margin

    @property
    def high(self) -> float:
        return float(self.ik) + self.margin

    @property
    def margin_shown(self) -> Decimal:
        """The margin rounded half-up to 1 decimal, as shown beside the IK ("± 4,1")."""
        return Decimal(str(self.margin)).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")

    @property
    def category(self) -> str:
        return self.categories[0] if self.categories else ""

    @property
    def neighbours(self) -> tuple[str, ...]:
        return self.categories[1:]

    @property
    def undersampled(self) -> bool:
        return self.n < MIN_SAMPLE


def interval(moments: Moments, ik: Fraction | None, *, indicators: int, scale: Scale,
             bands: Sequence[Band], population: int | None = None) -> Interval | None:
    """The 95 % interval of one scope's IK; None for an empty scope or a single response (no spread known)."""
    if ik is None or moments.n < 2:
        return None
    variance = ik_variance(moments, indicators=indicators, scale=scale)
    assert variance is not None
    sd = math.sqrt(variance)
    se = sd / math.sqrt(moments.n) * fpc(moments.n, population)
    df = moments.n - 1
    margin = t_quantile_975(df) * se
    return Interval(moments.n, ik, sd, se, df, margin,
                    categories_touched(ik, margin, bands), population)


def categories_touched(ik: Fraction, margin: float, bands: Sequence[Band]) -> tuple[str, ...]:
    """The IK's own category first, then every other band the interval touches (nearest first)."""
    own = category_for(ik, bands)
    low = round_half_up(Fraction(float(ik) - margin).limit_denominator(10**6))
    high = round_half_up(Fraction(float(ik) + margin).limit_denominator(10**6))
    centre = float(ik)
    touched = [b for b in bands if b.code != own and b.max >= low and b.min <= high]
    touched.sort(key=lambda b: min(abs(float(b.min) - centre), abs(float(b.max) - centre)))
    return tuple(([own] if own else []) + [b.code for b in touched])


def category_text(categories: Sequence[str], maybe: str = "mungkin") -> str:
    """ "A" or "A, mungkin B" (the word `maybe` translated by the caller)."""
    if not categories:
        return ""
    if len(categories) == 1:
        return categories[0]
    return f"{categories[0]}, {maybe} {' / '.join(categories[1:])}"


# --------------------------------------------------------------------------- change between periods
@dataclass(frozen=True)
class Change:
    difference: float
    z: float | None
    significant: bool

    @property
    def direction(self) -> str:
        return "up" if self.difference > 0 else "down" if self.difference < 0 else "same"


def change(before: tuple[Fraction, float] | None, after: tuple[Fraction, float] | None) -> Change | None:
    """Welch z on two IK means, each given as (IK, SE); None when either side has no figure."""
    if before is None or after is None:
        return None
    difference = float(after[0] - before[0])
    spread = math.sqrt(before[1] ** 2 + after[1] ** 2)
    if spread == 0:
        return Change(difference, None, difference != 0)
    z = difference / spread
    return Change(difference, z, abs(z) >= Z_95)


@dataclass(frozen=True)
class MeanChange:
    """How one indicator's mean moved between two periods, and whether the move is larger than its uncertainty.

    `tested` is False when a period has a single answer (its spread is unknown): such a move is never called
    significant. With no spread on either side (every answer the same in both periods) any difference is
    exact, so it is significant as soon as it is not zero (as `change` does for the IK).
    """

    before: Fraction
    after: Fraction
    difference: Fraction
    t: float | None
    df: int | None
    critical: float | None
    significant: bool
    tested: bool

    @property
    def direction(self) -> str:
        return "up" if self.difference > 0 else "down" if self.difference < 0 else "same"


def _mean_variance(moments: Moments, population: int | None) -> Fraction | None:
    """s²/n of one period's indicator scores (with the finite-population correction); None below two answers."""
    n = moments.n
    if n < 2:
        return None
    spread = max(Fraction(moments.squares) - Fraction(moments.total * moments.total, n), Fraction(0))
    correction = Fraction(1)
    if population and population > 0:
        correction = Fraction(max(population - n, 0), population)
    return spread / (n - 1) / n * correction


def mean_change(before: Moments | None, after: Moments | None, *, populations: tuple[int | None, int | None]
                = (None, None)) -> MeanChange | None:
    """Welch's t test (two-sided, 95 %) on one indicator's mean in two periods, each given as the exact n, Σs
    and Σs² of its answers; None when either period has no answer (no previous period, nobody answered)."""
    if before is None or after is None or before.n == 0 or after.n == 0:
        return None
    m1, m2 = Fraction(before.total, before.n), Fraction(after.total, after.n)
    difference = m2 - m1
    v1, v2 = _mean_variance(before, populations[0]), _mean_variance(after, populations[1])
    if v1 is None or v2 is None:  # one answer in a period: nothing is known of its spread
        return MeanChange(m1, m2, difference, None, None, None, False, False)
    if v1 + v2 == 0:
        return MeanChange(m1, m2, difference, None, None, None, difference != 0, True)
    t = float(difference) / math.sqrt(v1 + v2)
    # Welch–Satterthwaite; a side without spread adds nothing to the denominator.
    denominator = sum((v * v / (moments.n - 1) for v, moments in ((v1, before), (v2, after)) if v), Fraction(0))
    df = max(1, math.floor((v1 + v2) ** 2 / denominator))
    critical = t_quantile_975(df)
    return MeanChange(m1, m2, difference, t, df, critical, abs(t) >= critical, True)


# --------------------------------------------------------------------------- funnel plot and precision
@dataclass(frozen=True)
class FunnelLimits:
    n: int
    low_95: float
    high_95: float
    low_998: float
    high_998: float


def funnel_limits(centre: float, sd: float, n: int) -> FunnelLimits:
    """Control limits around the pooled IK for a unit of n responses: centre ± z · sd/√n."""
    if n < 1:
        raise ValueError("n must be at least 1")
    width = sd / math.sqrt(n)
    return FunnelLimits(n, centre - Z_95 * width, centre + Z_95 * width,
                        centre - Z_998 * width, centre + Z_998 * width)


def outside(ik: float, limits: FunnelLimits, *, wide: bool = False) -> str:
    """'above', 'below' or '' for a unit's IK against its 95 % (or, wide, 99.8 %) limits."""
    low, high = (limits.low_998, limits.high_998) if wide else (limits.low_95, limits.high_95)
    return "above" if ik > high else "below" if ik < low else ""


def precision_target(sd: float, margin: float, population: int | None = None) -> int | None:
    """Responses needed for a 95 % margin of `margin` IK points given the spread sd; None without a spread."""
    if margin <= 0:
        raise ValueError("the margin must be positive")
    if sd <= 0:
        return None
    n0 = (Z_95 * sd / margin) ** 2
    if population:
        n0 = n0 / (1 + (n0 - 1) / population)
    return max(2, math.ceil(n0 - 1e-9))
