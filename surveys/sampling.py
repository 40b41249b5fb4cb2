"""Krejcie–Morgan minimum sample size (docs/methodology.md §4). Pure: no Django, no ORM."""
from decimal import ROUND_HALF_UP, Decimal

CHI_SQUARE = Decimal("3.841")  # X² for 1 degree of freedom at 95% confidence
P = Decimal("0.5")  # population proportion giving the largest sample
D = Decimal("0.05")  # margin of error
MINIMUM = 30


def krejcie_morgan(population: int) -> int:
    """s = X²·N·P(1−P) / (d²·(N−1) + X²·P(1−P)), rounded to the nearest integer (half up)."""
    if population <= 0:
        return 0
    n = Decimal(population)
    pq = P * (1 - P)
    s = CHI_SQUARE * n * pq / (D * D * (n - 1) + CHI_SQUARE * pq)
    return int(s.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def target_sample(population: int) -> int:
    """The unit's target: Krejcie–Morgan, never below 30 unless the whole population is smaller."""
    if population <= 0:
        return 0
    if population < MINIMUM:
        return population
    return min(population, max(MINIMUM, krejcie_morgan(population)))
