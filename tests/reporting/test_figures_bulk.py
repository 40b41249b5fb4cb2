"""reporting/figures_bulk.py gives, column-wise, exactly the stored figures the scalar reference
(reporting/figures.py through snapshots._snapshot_values) gives, and leaves to it what it cannot do exactly."""
import random
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest

from reporting.figures import Layout
from reporting.figures_bulk import bulk_values
from reporting.indices import Band, Scale
from reporting.snapshot_sums import SumsTable
from reporting.snapshots import _indicators_template, _snapshot_values, iter_rows

BANDS = (Band("A", Decimal("88.31"), Decimal("100.00")), Band("B", Decimal("76.61"), Decimal("88.30")),
         Band("C", Decimal("65.00"), Decimal("76.60")), Band("D", Decimal("25.00"), Decimal("64.99")))


class Info:
    """What snapshots needs of a version (VersionInfo without the database)."""

    def __init__(self, pk, codes, scale):
        self.pk, self.codes, self.layout = pk, tuple(codes), Layout(len(codes), scale, BANDS)


def _scope(rng, width, period_width, scale):
    """One scope's sums in the SumsTable layout: mostly everyone answering every indicator, sometimes not."""
    n = rng.choice([0, 1, 2, 3, 5, 30, 31, 120, 999, 4000])
    flagged, rejected = rng.randint(0, n), rng.choice([0, 0, 1, 4])
    ticketed = rng.choice([0, n, rng.randint(0, n)])
    blocks = []
    for k, answered in enumerate((n, n - flagged, ticketed)):
        if k and answered == n:  # all of them: the same responses, the same sums
            blocks += blocks[:2]
            continue
        counts = [answered] * width
        if rng.random() < 0.15 and answered:  # someone skipped an indicator
            counts[rng.randrange(width)] = rng.randint(0, answered - 1)
        sums = [rng.randint(c * scale.minimum, c * scale.maximum) for c in counts]
        blocks += [sums + [0] * (period_width - width), counts + [0] * (period_width - width)]
    t_sum = rng.randint(n * width * scale.minimum, n * width * scale.maximum)
    squares = rng.randint(t_sum * t_sum // n, t_sum * t_sum // n + n * 40) if n else 0
    return [n, flagged, rejected, ticketed, 0, t_sum, squares, *(v for block in blocks for v in block)]


@pytest.mark.parametrize("scale", [Scale(1, 4), Scale(1, 5), Scale(0, 10)])
def test_every_scope_equals_the_scalar_reference(scale):
    rng = random.Random(20261203)
    period_width, infos = 9, {1: Info(1, [f"A{i}" for i in range(8)], scale), 2: Info(2, ["B1", "B2", "B3"], scale)}
    keys, rows, populations, last_at = [], [], [], []
    for k in range(1500):
        version = rng.choice([1, 2])
        keys.append(("unit", k, None, version, 1000 + k))
        rows.append(_scope(rng, len(infos[version].codes), period_width, scale))
        populations.append(rng.choice([None, 0, 40, 5000, rows[-1][0], rows[-1][0] + 1]))
        last_at.append(rng.choice([None, datetime(2026, 11, 2, 8, 30, tzinfo=UTC)]))
    table = SumsTable(period_width, keys, np.array(rows, dtype=np.int64), last_at, populations, {})
    fast = dict(iter_rows(table, infos))
    for row, key in enumerate(keys):
        expected, _exact = _snapshot_values(table.totals(row), infos[key[3]])
        assert tuple(fast[key]) == tuple(expected), key


def test_the_common_case_is_computed_in_bulk_and_the_rest_by_the_reference():
    rng = random.Random(7)
    info = Info(1, [f"A{i}" for i in range(8)], Scale(1, 4))
    rows = [_scope(rng, 8, 8, Scale(1, 4)) for _ in range(400)]
    template, order = _indicators_template(info.codes)
    bulk = bulk_values(np.array(rows, dtype=np.int64), 8, info.layout, template, order, [None] * 400, [None] * 400)
    skipped = [any(len(set(r[7 + b * 16 + 8: 7 + b * 16 + 16])) > 1 for b in range(3)) for r in rows]
    # A scope where someone left an indicator unanswered is the reference's; most scopes are computed here.
    assert all(bulk.exact_only[i] for i, s in enumerate(skipped) if s)
    assert 0.5 * len(rows) < (~bulk.exact_only).sum() < len(rows)


def test_worked_example_in_bulk():
    # docs/methodology.md: SPKP sums 17, 18, 15, 18, 20, 17, 17, 18 over 5 -> NRR 3.50, IK 87.50, B.
    info = Info(1, [f"SPKP{i}" for i in range(1, 9)], Scale(1, 4))
    sums, counts = [17, 18, 15, 18, 20, 17, 17, 18], [5] * 8
    row = [5, 0, 0, 0, 0, 140, 3950, *sums, *counts, *sums, *counts, *[0] * 16]
    template, order = _indicators_template(info.codes)
    bulk = bulk_values(np.array([row], dtype=np.int64), 8, info.layout, template, order, [None], [None])
    values = bulk.values[0]
    assert not bulk.exact_only[0]
    assert values[5:8] == (Decimal("3.50"), Decimal("87.50"), "B")
    assert values[3].startswith('[["SPKP1", 17, 5, "3.40", 17, 5, "3.40", 0, 0, null], ["SPKP2", 18, 5, "3.60"')
    assert bulk.exact(0) == ((140, 40), (25 * 3 * 40 + 75 * (140 - 40), 3 * 40))
