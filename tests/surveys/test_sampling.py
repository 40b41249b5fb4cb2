"""Krejcie–Morgan sample sizes reproduce the published table; the target never drops below 30 (methodology §4)."""
import pytest

from surveys.sampling import allocate, krejcie_morgan, target_sample, unit_parts


@pytest.mark.parametrize(
    ("population", "sample"),
    [(10, 10), (30, 28), (50, 44), (100, 80), (200, 132), (500, 217), (1_000, 278), (2_000, 322),
     (5_000, 357), (10_000, 370), (100_000, 383), (1_000_000, 384)],
)
def test_krejcie_morgan_matches_the_published_table(population, sample):
    assert krejcie_morgan(population) == sample


@pytest.mark.parametrize(
    ("population", "target"),
    [(0, 0), (1, 1), (10, 10), (29, 29), (30, 30), (31, 30), (34, 31), (35, 32), (100, 80), (500, 217),
     (1_000, 278), (10_000, 370), (100_000, 383)],
)
def test_target_is_krejcie_morgan_with_a_floor_of_30_or_the_whole_population(population, target):
    assert target_sample(population) == target


def test_target_never_exceeds_the_population():
    assert all(target_sample(n) <= n for n in range(0, 400))


@pytest.mark.parametrize(
    ("total", "populations", "parts"),
    [(217, [300, 120, 80], [130, 52, 35]),  # methodology §4: N = 500 → 217, by largest remainder
     (25, [25], [25]), (0, [0, 0], [0, 0]), (30, [10, 10, 10], [10, 10, 10]), (31, [10, 10, 10], [11, 10, 10]),
     (279, [1000, 20], [274, 5]), (10, [0, 5], [0, 10])],
)
def test_allocation_is_proportional_and_adds_up_to_the_unit_target(total, populations, parts):
    assert allocate(total, populations) == parts
    assert sum(parts) == total or sum(populations) == 0


def test_unit_target_is_krejcie_morgan_of_the_total_not_the_sum_per_service():
    samples, adjusted = unit_parts([300, 120, 80], None)
    assert (samples, sum(samples), adjusted) == ([130, 52, 35], 217, [None, None, None])
    assert sum(target_sample(n) for n in (300, 120, 80)) == 169 + 92 + 66  # the old, wrong rule: 327
    assert unit_parts([25], None) == ([25], [None])
    assert unit_parts([300, 120, 80], 100) == ([130, 52, 35], [60, 24, 16])
    assert unit_parts([20, 5], 400) == ([20, 5], [20, 5])  # an adjustment never exceeds the population
