"""The pre-filled problem inventory follows docs/methodology.md §8 (pure rule, hand-worked numbers)."""
from decimal import Decimal
from fractions import Fraction

import pytest

from reporting.followups.inventory import (
    BELOW_TARGET,
    LOW_CATEGORY,
    WEAKEST,
    IndicatorScore,
    indicators_needing_action,
    target_on_scale,
)
from reporting.indices import Scale, converted_index, round_half_up
from surveys.models import default_bands

SPKP_SUMS = [17, 18, 15, 18, 20, 17, 17, 18]
SPAK_SUMS = [19, 18, 19, 16, 20]


def scores(prefix, sums, n=5):
    return [IndicatorScore(f"{prefix}{i}", i, Fraction(total, n)) for i, total in enumerate(sums, start=1)]


def listed(items):
    return [(item.code, str(item.nrr), str(item.ik), item.category, item.reasons) for item in items]


@pytest.mark.parametrize(
    ("case", "sums", "prefix", "target", "expected"),
    [
        (
            "worked example, Zona Integritas target 3.60",
            SPKP_SUMS, "SPKP", "3.60",
            [
                ("SPKP3", "3.00", "75.00", "C", (BELOW_TARGET, LOW_CATEGORY, WEAKEST)),
                ("SPKP1", "3.40", "85.00", "B", (BELOW_TARGET, WEAKEST)),
                ("SPKP6", "3.40", "85.00", "B", (BELOW_TARGET, WEAKEST)),
                ("SPKP7", "3.40", "85.00", "B", (BELOW_TARGET,)),
            ],
        ),
        (
            "worked example, lower target 3.00: C and the weakest three only",
            SPKP_SUMS, "SPKP", "3.00",
            [
                ("SPKP3", "3.00", "75.00", "C", (LOW_CATEGORY, WEAKEST)),
                ("SPKP1", "3.40", "85.00", "B", (WEAKEST,)),
                ("SPKP6", "3.40", "85.00", "B", (WEAKEST,)),
            ],
        ),
        (
            "good SPAK result: one below target, the weakest three regardless",
            SPAK_SUMS, "SPAK", "3.60",
            [
                ("SPAK4", "3.20", "80.00", "B", (BELOW_TARGET, WEAKEST)),
                ("SPAK2", "3.60", "90.00", "A", (WEAKEST,)),
                ("SPAK1", "3.80", "95.00", "A", (WEAKEST,)),
            ],
        ),
        (
            "category D without a target breach (target set very low)",
            [12, 20, 20], "X", "1.00",
            [
                ("X1", "2.40", "60.00", "D", (LOW_CATEGORY, WEAKEST)),
                ("X2", "4.00", "100.00", "A", (WEAKEST,)),
                ("X3", "4.00", "100.00", "A", (WEAKEST,)),
            ],
        ),
    ],
)
def test_prefilled_list_matches_methodology_rule(case, sums, prefix, target, expected):
    items = indicators_needing_action(scores(prefix, sums), target=Decimal(target), bands=default_bands(),
                                      scale_min=1, scale_max=4)
    assert listed(items) == expected, case


def test_weakest_indicator_leads_the_list():
    items = indicators_needing_action(scores("SPKP", SPKP_SUMS), target=Decimal("3.60"), bands=default_bands(),
                                      scale_min=1, scale_max=4)
    assert items[0].code == "SPKP3"


def test_indicator_shown_at_target_is_not_below_it():
    # 3.595 exactly is displayed 3.60: a reader must not see "3.60, below target 3.60".
    exact = [IndicatorScore("A1", 1, Fraction(3595, 1000)), IndicatorScore("A2", 2, Fraction(4))]
    items = indicators_needing_action(exact, target=Decimal("3.60"), bands=default_bands(), scale_min=1,
                                      scale_max=4, weakest=0)
    assert items == []


def test_category_is_read_from_the_rounded_index():
    # NRR 3.5322 -> IK 88.305 exactly -> shown 88.31 -> category A, never "88.31 labelled B".
    assert round_half_up(converted_index(Fraction(35322, 10000), Scale(1, 4))) == Decimal("88.31")
    items = indicators_needing_action([IndicatorScore("A1", 1, Fraction(35322, 10000))], target=Decimal("1"),
                                      bands=default_bands(), scale_min=1, scale_max=4, weakest=1)
    assert items[0].category == "A"


@pytest.mark.parametrize(
    ("target_1_4", "scale", "expected"),
    [("3.60", (1, 4), "3.60"), ("3.60", (1, 6), "5.33"), ("4.00", (1, 6), "6.00"), ("1.00", (1, 6), "1.00")],
)
def test_default_target_is_mapped_onto_the_versions_scale(target_1_4, scale, expected):
    assert target_on_scale(Decimal(target_1_4), scale_min=scale[0], scale_max=scale[1]) == Decimal(expected)


def test_six_point_scale_converts_before_reading_the_band():
    # 4.5 on 1–6 -> 1 + 3·3.5/5 = 3.1 on 1–4 -> IK 77.50 (B)
    assert round_half_up(converted_index(Fraction(9, 2), Scale(1, 6))) == Decimal("77.50")
