"""Margins of error, category intervals, change between periods and precision targets, hand-worked.

The instrument of these cases has one indicator on 1..4, so a response's IK is 25 · t (t its score) and
b = 75 / (1 · 3) = 25. Unit U: 15 responses of 4 and 15 of 3 → IK 87,5; Σ(t − 3,5)² = 30 · 0,25 = 7,5;
s = 25 · √(7,5/29) = 12,71369; SE = s/√30 = 2,321192; t(0,975; 29) = 2,045 → ± 4,746837.
With N = 100: FPC √0,7 = 0,836660 → SE 1,942048, ± 3,971489.
"""
from decimal import Decimal
from fractions import Fraction

import pytest

from reporting.indices import Band, Scale
from reporting.uncertainty import (
    Moments,
    category_text,
    change,
    funnel_limits,
    interval,
    mean_change,
    outside,
    pool,
    precision_target,
    t_quantile_975,
)

SCALE = Scale(1, 4)
BANDS = [
    Band("A", Decimal("88.31"), Decimal("100.00")), Band("B", Decimal("76.61"), Decimal("88.30")),
    Band("C", Decimal("65.00"), Decimal("76.60")), Band("D", Decimal("25.00"), Decimal("64.99")),
]
UNIT_U = Moments.of([4] * 15 + [3] * 15)


def ik_of(m: Moments) -> Fraction | None:
    return Fraction(25 * m.total, m.n) if m.n else None


@pytest.mark.parametrize(("moments", "population", "sd", "se", "margin", "categories"), [
    (UNIT_U, None, 12.71369, 2.321192, 4.746837, ("B", "A")),
    (UNIT_U, 100, 12.71369, 1.942048, 3.971489, ("B", "A")),
    # zero spread: identical answers, a margin of 0 and no division by zero
    (Moments.of([4] * 30), None, 0.0, 0.0, 0.0, ("A",)),
    # the whole population answered: FPC 0
    (Moments.of([4] * 15 + [3] * 15), 30, 12.71369, 0.0, 0.0, ("B",)),
])
def test_interval_hand_worked(moments, population, sd, se, margin, categories):
    result = interval(moments, ik_of(moments), indicators=1, scale=SCALE, bands=BANDS, population=population)
    assert result.sd == pytest.approx(sd, abs=1e-5)
    assert result.se == pytest.approx(se, abs=1e-6)
    assert result.margin == pytest.approx(margin, abs=1e-6)
    assert result.categories == categories


def test_interval_crossing_88_31_reads_a_maybe_b():
    # 20 × 4 and 10 × 3: IK 91,67 (A); the interval reaches below 88,31.
    m = Moments.of([4] * 20 + [3] * 10)
    result = interval(m, ik_of(m), indicators=1, scale=SCALE, bands=BANDS)
    assert float(result.ik) == pytest.approx(91.6667, abs=1e-4)
    assert result.low < 88.31 < result.high
    assert category_text(result.categories) == "A, mungkin B"
    assert result.margin_shown == Decimal("4.5")


@pytest.mark.parametrize("moments", [Moments(), Moments.of([4])])
def test_empty_scope_and_single_response_have_no_interval(moments):
    assert interval(moments, ik_of(moments), indicators=1, scale=SCALE, bands=BANDS) is None


def test_pooled_interval_of_two_units():
    # U plus V (10 × 4): n 40, Σt 145, Σt² 535 → IK 90,625; s² = 625 · (535 − 145²/40)/39 = 150,240
    # s = 12,25726; SE = 1,938043; t(0,975; 39) = 2,0227 → ± 3,92006.
    v = Moments.of([4] * 10)
    pooled = pool([UNIT_U, v])
    assert pooled == Moments(40, 145, 535)
    result = interval(pooled, ik_of(pooled), indicators=1, scale=SCALE, bands=BANDS)
    assert float(result.ik) == 90.625
    assert result.se == pytest.approx(1.938043, abs=1e-6)
    assert result.margin == pytest.approx(3.92006, abs=1e-4)
    assert result.categories == ("A", "B")


@pytest.mark.parametrize(("df", "quantile"), [(1, 12.706), (29, 2.045), (39, 2.0227), (60, 2.0003), (120, 1.9799)])
def test_t_quantiles(df, quantile):
    assert t_quantile_975(df) == pytest.approx(quantile, abs=1e-4)


@pytest.mark.parametrize(("before", "after", "significant", "z"), [
    # U then U+V: +3,125 over √(2,321192² + 1,938063²) = 3,02393 → z 1,033: within the margin of error
    ((Fraction(175, 2), 2.321192), (Fraction(725, 8), 1.938063), False, 1.0334),
    # the same rise with SE 1 each side: z = 3,125/√2 = 2,2097 → larger than its uncertainty
    ((Fraction(175, 2), 1.0), (Fraction(725, 8), 1.0), True, 2.2097),
    ((Fraction(90), 0.0), (Fraction(90), 0.0), False, None),
])
def test_change_between_periods_welch_z(before, after, significant, z):
    result = change(before, after)
    assert result.significant is significant
    assert (result.z is None) if z is None else result.z == pytest.approx(z, abs=1e-4)
    assert change(None, after) is None


def test_funnel_limits_and_outliers():
    # pooled IK 85, sd 10, n 25: ± 1,96 · 2 = 3,92 (95 %), ± 3,09 · 2 = 6,18 (99,8 %)
    limits = funnel_limits(85.0, 10.0, 25)
    assert limits.low_95 == pytest.approx(81.08, abs=1e-2) and limits.high_95 == pytest.approx(88.92, abs=1e-2)
    assert limits.low_998 == pytest.approx(78.82, abs=1e-2) and limits.high_998 == pytest.approx(91.18, abs=1e-2)
    assert outside(90.0, limits) == "above" and outside(90.0, limits, wide=True) == ""
    assert outside(70.0, limits, wide=True) == "below" and outside(85.0, limits) == ""


@pytest.mark.parametrize(("sd", "margin", "population", "needed"), [
    (12.71369, 3, None, 69),   # (1,96 · 12,71369 / 3)² = 68,99
    (12.71369, 3, 100, 42),    # 68,99 / (1 + 67,99/100) = 41,07
    (0.0, 3, None, None),      # no spread observed: no target by precision
])
def test_precision_target(sd, margin, population, needed):
    assert precision_target(sd, margin, population) == needed


# One indicator's mean between two periods (follow-up), Welch's t with the Welch–Satterthwaite df:
# [2,2,3,3]: mean 2,5, s² = (26 − 25)/3 = 1/3, s²/n = 1/12; [3,3,4,4]: mean 3,5, s²/n = 1/12;
# [3,3,3,4]: mean 3,25, s² = (43 − 42,25)/3 = 1/4, s²/n = 1/16; [2,2,2,3]: mean 2,25, s²/n = 1/16.
@pytest.mark.parametrize(("before", "after", "direction", "significant", "t", "df"), [
    # +1 over √(1/6) = 0,408248 → t 2,4495; ν = (1/6)² / (2 · (1/12)²/3) = 6 → t(0,975; 6) = 2,447: significant
    ([2, 2, 3, 3], [3, 3, 4, 4], "up", True, 2.4495, 6),
    # +0,75 over √(1/12 + 1/16) = 0,381881 → t 1,9640 (a z test would call it significant, |z| ≥ 1,96);
    # ν = (7/48)² / ((1/12)²/3 + (1/16)²/3) = 5,88 → 5, t(0,975; 5) = 2,571: within the margin of error
    ([2, 2, 3, 3], [3, 3, 3, 4], "up", False, 1.9640, 5),
    # −1,25 over 0,381881 → t −3,2733, ν 5: a significant fall
    ([3, 3, 4, 4], [2, 2, 2, 3], "down", True, -3.2733, 5),
    # [2,3] → [3,4]: +1 over √(1/4 + 1/4) = 0,707107 → t 1,4142, ν = (1/2)²/(2 · (1/4)²) = 2 → 4,303: not
    ([2, 3], [3, 4], "up", False, 1.4142, 2),
    # [3,4] → [3,3]: −0,5; only the first period varies: s²/n = 1/4, ν = 1 → 12,706: within the margin
    ([3, 4], [3, 3], "down", False, -1.0, 1),
    # the same mean (3,5 both): unchanged
    ([3, 3, 4, 4], [4, 3, 4, 3], "same", False, 0.0, 6),
    # no spread on either side: the difference is exact
    ([3, 3], [4, 4], "up", True, None, None),
    ([3, 3], [3, 3], "same", False, None, None),
    # a single answer: its spread is unknown, so no move is called significant
    ([3], [4, 4, 4], "up", False, None, None),
])
def test_indicator_mean_change_welch_t(before, after, direction, significant, t, df):
    result = mean_change(Moments.of(before), Moments.of(after))
    assert result.direction == direction
    assert result.significant is significant
    assert (result.t is None) if t is None else result.t == pytest.approx(t, abs=1e-4)
    assert result.df == df
    assert result.tested is (len(before) > 1 and len(after) > 1)
    assert result.difference == Fraction(sum(after), len(after)) - Fraction(sum(before), len(before))


def test_indicator_mean_change_without_a_previous_period_or_answers():
    assert mean_change(None, Moments.of([3, 4])) is None
    assert mean_change(Moments(), Moments.of([3, 4])) is None
    assert mean_change(Moments.of([3, 4]), Moments()) is None


def test_indicator_mean_change_with_the_finite_population_correction():
    # N = 8 on both sides: s²/n · (1 − 4/8) = 1/24 each → t = 1/√(1/12) = 3,4641, ν 6: significant
    whole = mean_change(Moments.of([2, 2, 3, 3]), Moments.of([3, 3, 4, 4]), populations=(8, 8))
    assert whole.t == pytest.approx(3.4641, abs=1e-4) and whole.df == 6 and whole.significant
