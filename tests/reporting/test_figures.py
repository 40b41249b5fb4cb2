"""Integer-only figures (reporting/figures.py) equal the Fraction maths of reporting/indices.py and uncertainty.py."""
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from reporting import uncertainty
from reporting.figures import Layout, figure, hundredths, spread, text_of
from reporting.indices import Band, IndicatorTotal, Scale, compute_index

BANDS = (Band("A", Decimal("88.31"), Decimal("100.00")), Band("B", Decimal("76.61"), Decimal("88.30")),
         Band("C", Decimal("65.00"), Decimal("76.60")), Band("D", Decimal("25.00"), Decimal("64.99")))


@pytest.mark.parametrize(("num", "den", "shown"), [
    (3145, 1000, 315), (3144, 1000, 314), (121, 40, 303), (1, 3, 33), (2, 3, 67), (350, 100, 350), (0, 7, 0),
])
def test_hundredths_round_half_up_once(num, den, shown):
    assert hundredths(num, den) == shown
    assert text_of(shown) == str(Decimal(shown).scaleb(-2))


def test_the_worked_example():
    # docs/methodology.md: SPKP sums 17, 18, 15, 18, 20, 17, 17, 18 over 5 -> NRR 3.50, IK 87.50, B.
    result = figure([17, 18, 15, 18, 20, 17, 17, 18], [5] * 8, Layout(8, Scale(1, 4), BANDS))
    assert (result.nrr, result.ik, result.category) == (Decimal("3.50"), Decimal("87.50"), "B")
    assert result.indicators == ["3.40", "3.60", "3.00", "3.60", "4.00", "3.40", "3.40", "3.60"]


def test_nothing_answered_is_no_index_rather_than_zero():
    assert figure([0, 0], [0, 0], Layout(2, Scale(1, 4), BANDS)) == (None, None, "", [None, None], None, None)


@pytest.mark.parametrize("scale", [Scale(1, 4), Scale(1, 5), Scale(0, 10)])
def test_random_sums_give_what_compute_index_and_interval_give(scale):
    rng = random.Random(20261202)
    for _ in range(400):
        width = rng.randint(1, 9)
        counts = [rng.choice([0, 1, 2, 3, 7, 40, 333, 1000]) for _ in range(width)]
        sums = [rng.randint(c * scale.minimum, c * scale.maximum) for c in counts]
        layout = Layout(width, scale, BANDS)
        fast = figure(sums, counts, layout)
        totals = [IndicatorTotal(f"I{i}", s, c) for i, (s, c) in enumerate(zip(sums, counts, strict=True))]
        slow = compute_index(totals, scale=scale, bands=BANDS)
        assert (fast.nrr, fast.ik, fast.category) == (slow.nrr, slow.ik, slow.category)
        assert fast.indicators == [None if i.nrr is None else str(i.nrr) for i in slow.indicators]
        if slow.ik_exact is None:
            assert fast.ik_exact is None
            continue
        assert Fraction(*fast.ik_exact) == slow.ik_exact and Fraction(*fast.nrr_exact) == slow.nrr_exact
        n = rng.randint(1, 500)
        total = rng.randint(n * width * scale.minimum, n * width * scale.maximum)
        squares = rng.randint(total * total // n, total * total // n + n * 50)
        population = rng.choice([None, n, n * 3])
        expected = uncertainty.interval(uncertainty.Moments(n, total, squares), slow.ik_exact, indicators=width,
                                        scale=scale, bands=BANDS, population=population)
        got = spread(n, total, squares, fast.ik_exact, layout, population)
        if expected is None:
            assert got is None
        else:
            assert got == (expected.se, expected.margin, expected.low, expected.high, expected.categories)
