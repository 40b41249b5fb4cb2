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


def allocate(total: int, populations: list[int]) -> list[int]:
    """Splits `total` over services in proportion to their populations, by largest remainder, so the parts
    add up to `total` exactly (300, 120, 80 of 217 → 130, 52, 35). Ties go to the earlier service."""
    whole = sum(populations)
    if whole <= 0 or total <= 0:
        return [0] * len(populations)
    quotas = [divmod(total * p, whole) for p in populations]  # exact: (floor, remainder × whole)
    parts = [floor for floor, _rest in quotas]
    by_remainder = sorted(range(len(populations)), key=lambda i: -quotas[i][1])
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def unit_parts(populations: list[int], adjusted: int | None) -> tuple[list[int], list[int | None]]:
    """Each service's part of its unit's target, and of a Kanwil's adjusted unit target (kept between 1 and
    the unit's population; None when the unit has none): both allocated by population."""
    samples = allocate(target_sample(sum(populations)), populations)
    if adjusted is None:
        return samples, [None] * len(populations)
    return samples, list(allocate(max(1, min(adjusted, sum(populations))), populations))
