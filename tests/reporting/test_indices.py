"""The index maths of docs/methodology.md §5, with hand-worked numbers."""
from decimal import Decimal
from fractions import Fraction

import pytest

from reporting.indices import (
    Band,
    IndicatorTotal,
    Scale,
    category_for,
    composite_nrr,
    compute_index,
    converted_index,
    pool,
    round_half_up,
    unit_average,
)

BANDS = [
    Band("A", Decimal("88.31"), Decimal("100.00")),
    Band("B", Decimal("76.61"), Decimal("88.30")),
    Band("C", Decimal("65.00"), Decimal("76.60")),
    Band("D", Decimal("25.00"), Decimal("64.99")),
]
ONE_TO_FOUR = Scale(1, 4)

# The methodology's worked example: SPKP, 5 respondents, 8 indicators.
WORKED_EXAMPLE = [
    [4, 4, 3, 4, 4, 3, 4, 4],
    [3, 4, 3, 3, 4, 3, 3, 4],
    [4, 3, 2, 4, 4, 4, 3, 3],
    [4, 4, 4, 4, 4, 4, 4, 4],
    [2, 3, 3, 3, 4, 3, 3, 3],
]


def totals_of(rows, prefix="SPKP"):
    columns = list(zip(*rows, strict=True))
    return [IndicatorTotal(f"{prefix}{i}", sum(col), len(col)) for i, col in enumerate(columns, start=1)]


def test_worked_example_gives_ipkp_3_50_ik_87_50_category_b():
    result = compute_index(totals_of(WORKED_EXAMPLE), scale=ONE_TO_FOUR, bands=BANDS)
    assert [str(i.nrr) for i in result.indicators] == ["3.40", "3.60", "3.00", "3.60", "4.00", "3.40", "3.40", "3.60"]
    assert result.nrr == Decimal("3.50")
    assert result.ik == Decimal("87.50")
    assert result.category == "B"
    assert result.weakest().code == "SPKP3"


@pytest.mark.parametrize(
    ("nrr", "expected_ik", "expected_category"),
    [
        (Fraction("3.5324"), "88.31", "A"),  # 88.31 exactly
        (Fraction("3.5322"), "88.31", "A"),  # exact 88.305 is shown 88.31 and read as A
        (Fraction("3.5320"), "88.30", "B"),
        (Fraction("3.0644"), "76.61", "B"),
        (Fraction("3.0640"), "76.60", "C"),
        (Fraction("2.6000"), "65.00", "C"),
        (Fraction("2.5996"), "64.99", "D"),
        (Fraction(1), "25.00", "D"),
        (Fraction(4), "100.00", "A"),
    ],
)
def test_band_edges_are_read_from_the_ik_rounded_half_up(nrr, expected_ik, expected_category):
    ik = converted_index(nrr, ONE_TO_FOUR)
    assert round_half_up(ik) == Decimal(expected_ik)
    assert category_for(ik, BANDS) == expected_category


def test_exact_88_305_from_integer_sums_is_category_a():
    # 5,000 answers summing to 17,661: NRR 3.5322 exactly, IK 88.305 exactly.
    result = compute_index([IndicatorTotal("X1", 17_661, 5_000)], scale=ONE_TO_FOUR, bands=BANDS)
    assert result.ik_exact == Fraction("88.305")
    assert (result.nrr, result.ik, result.category) == (Decimal("3.53"), Decimal("88.31"), "A")


def test_one_to_six_scale_is_mapped_onto_one_to_four_before_times_25():
    # Two indicators on 1–6: means 5 and 4, NRR 4.5; x4 = 1 + 3·3.5/5 = 3.1; IK = 77.50 (B).
    totals = [IndicatorTotal("Q1", 10, 2), IndicatorTotal("Q2", 8, 2)]
    result = compute_index(totals, scale=Scale(1, 6), bands=BANDS)
    assert result.nrr == Decimal("4.50")
    assert result.ik == Decimal("77.50")
    assert result.category == "B"


@pytest.mark.parametrize(
    ("scale", "score", "ik"),
    [(Scale(1, 6), 1, "25.00"), (Scale(1, 6), 6, "100.00"), (Scale(0, 10), 5, "62.50"), (Scale(1, 5), 3, "62.50")],
)
def test_scale_ends_map_to_25_and_100(scale, score, ik):
    assert round_half_up(converted_index(Fraction(score), scale)) == Decimal(ik)


def test_weights_are_exactly_one_over_n_not_a_rounded_0_125():
    # Eight indicators where a rounded weight would drift: means 1/3 apart.
    nrrs = [Fraction(10, 3), Fraction(11, 3), Fraction(3)] + [Fraction(7, 2)] * 5
    assert composite_nrr(nrrs) == (Fraction(10, 3) + Fraction(11, 3) + 3 + Fraction(35, 2)) / 8
    assert round_half_up(composite_nrr(nrrs)) == Decimal("3.44")


def test_empty_scope_has_no_index_rather_than_zero():
    result = compute_index([IndicatorTotal("SPAK1", 0, 0), IndicatorTotal("SPAK2", 0, 0)], scale=ONE_TO_FOUR,
                           bands=BANDS)
    assert result.is_empty
    assert (result.nrr, result.ik, result.category) == (None, None, "")
    assert [i.nrr for i in result.indicators] == [None, None]
    assert result.weakest() is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Fraction("3.145"), "3.15"), (Fraction("3.144999"), "3.14"), (Fraction(10, 3), "3.33"),
     (Fraction(2, 3), "0.67"), (Fraction("88.305"), "88.31"), (Fraction("76.605"), "76.61")],
)
def test_round_half_up_is_exact(value, shown):
    assert round_half_up(value) == Decimal(shown)


def test_pooled_index_is_respondent_weighted_and_unit_average_is_not():
    # Unit A: 1 respondent all 4s. Unit B: 3 respondents all 2s. One indicator.
    a = [IndicatorTotal("S1", 4, 1)]
    b = [IndicatorTotal("S1", 6, 3)]
    pooled = compute_index(pool([a, b]), scale=ONE_TO_FOUR, bands=BANDS)
    assert pooled.nrr == Decimal("2.50")  # 10 / 4
    assert pooled.ik == Decimal("62.50")
    average = unit_average([compute_index(t, scale=ONE_TO_FOUR, bands=BANDS) for t in (a, b)])
    assert average.nrr == Decimal("3.00")  # (4 + 2) / 2
    assert average.ik == Decimal("75.00")
    assert average.units == 2


def test_unit_average_skips_units_without_index():
    empty = compute_index([IndicatorTotal("S1", 0, 0)], scale=ONE_TO_FOUR, bands=BANDS)
    scored = compute_index([IndicatorTotal("S1", 7, 2)], scale=ONE_TO_FOUR, bands=BANDS)
    average = unit_average([empty, scored])
    assert (average.nrr, average.units) == (Decimal("3.50"), 1)
    assert unit_average([empty]).nrr is None


def test_unanswered_indicator_is_not_a_zero():
    totals = [IndicatorTotal("S1", 8, 2), IndicatorTotal("S2", 0, 0)]
    result = compute_index(totals, scale=ONE_TO_FOUR, bands=BANDS)
    assert result.nrr == Decimal("4.00")


def test_scale_must_be_ordered():
    with pytest.raises(ValueError):
        Scale(4, 1)
