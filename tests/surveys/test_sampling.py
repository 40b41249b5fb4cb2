"""Krejcie–Morgan sample sizes reproduce the published table; the target never drops below 30 (methodology §4)."""
import pytest

from surveys.sampling import krejcie_morgan, target_sample


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
