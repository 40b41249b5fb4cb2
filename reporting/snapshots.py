"""Computes and stores index Snapshots from integer sums kept inside the database, in bulk.

The database gives integer sums and counts of every service (reporting/snapshot_sums.py: on PostgreSQL one
query pivoting reporting_scoretotal, the running totals kept by triggers; on SQLite a GROUP BY over
responses_scoresheet), added up into every UPT, Kanwil and the nation: a few thousand rows even for a million
responses. Figures are computed with integer arithmetic, column-wise (reporting/figures_bulk.py) or by the
scalar reference (reporting/figures.py) where that cannot be exact, and compared with the stored rows: only rows
whose figures changed are written (new ones by one COPY on PostgreSQL, streamed while the next are computed;
changed ones by one pipelined UPDATE). A row whose figures did not change is not touched and keeps its
computed_at, so a recompute that changes nothing writes nothing and the API's ETag and Last-Modified stay as they
were.
No response row is ever loaded into Python.

Revisions: while a period is open (or closed but not yet frozen) the current snapshot of a scope is
updated in place. `freeze_final_snapshots` writes a new revision marked final. After that, a change
(e.g. a review decision) writes another final revision; older revisions stay, with is_current off.
"""
from __future__ import annotations

import functools
import itertools
import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import BigIntegerField, Exists, Func, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from surveys.models import Period, Unit

from .figures import TEXTS, Exact, Figure, decimal_of, figure, hundredths, spread
from .figures_bulk import bulk_values
from .indices import TWO_PLACES
from .models import INDICATOR_ROW, Level, Snapshot
from .snapshot_sums import (
    PeriodSums,
    SumsTable,
    Totals,
    VersionInfo,
    aggregate_period,
    aggregate_scoresheets,
    instant,
    score_width,
    unit_populations,
)

__all__ = ["Totals", "VersionInfo", "aggregate_scoresheets", "freeze_final_snapshots", "periods_to_freeze",
           "recompute_period", "recompute_unit"]

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# (level, unit_id, kanwil_id, version_id, service_id)
Key = tuple[str, int | None, int | None, int, int | None]


# --------------------------------------------------------------------------- rows to store
# A snapshot's stored figures are built as one list in FIGURE_FIELDS order (below), not as a dict per scope: a
# national recompute builds ~10,000 of them.
_NO_UNIT_SUMS = (None, None, "", "", 0)  # unit_average_nrr ... unit_count of a UPT's own row


def _snapshot_values(totals: Totals, info: VersionInfo) -> tuple[list, tuple[Exact | None, Exact | None]]:
    """A snapshot's stored figures (in FIGURE_FIELDS order) from its integer sums, and its exact NRR and IK
    (reporting.figures: integers only until display)."""
    layout = info.layout
    full = figure(totals.sums, totals.counts, layout)
    # Most scopes have no flagged or no ticket response: the same sums give the same figure.
    unflagged = full if not totals.n_flagged else figure(totals.sums_unflagged, totals.counts_unflagged, layout)
    if totals.n_ticketed == totals.n_counted:
        ticketed = full
    elif not totals.n_ticketed:
        ticketed = figure(totals.sums_ticketed, totals.counts_ticketed, layout) if any(totals.counts_ticketed) \
            else EMPTY[layout.width]
    else:
        ticketed = figure(totals.sums_ticketed, totals.counts_ticketed, layout)
    return [
        totals.n_counted, totals.n_flagged, totals.n_rejected,
        _indicators_text(totals, info.codes, full.indicators, unflagged.indicators, ticketed.indicators),
        totals.last_response_at, full.nrr, full.ik, full.category, unflagged.nrr, unflagged.ik, unflagged.category,
        totals.n_ticketed, ticketed.nrr, ticketed.ik, ticketed.category, *_NO_UNIT_SUMS,
        *_interval_values(totals, info, full.ik_exact),
    ], (full.nrr_exact, full.ik_exact)


# A snapshot's indicator rows are kept as compact JSON text (reporting.models.INDICATOR_ROW) in PostgreSQL's
# jsonb output form (", " separators): the new text is compared with the stored text (`indicators::text`)
# and COPYed as it is, with no list built, encoded or decoded per indicator (a national recompute has ~80,000).
_FORMATS = {"nrr": "%s", "sum": "%d", "count": "%d", "nrr_unflagged": "%s", "sum_unflagged": "%d",
            "count_unflagged": "%d", "nrr_ticketed": "%s", "sum_ticketed": "%d", "count_ticketed": "%d"}


@functools.lru_cache(maxsize=64)
def _indicators_template(codes: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The %-template of a version's indicator JSON text and the order of its per-indicator arguments."""
    parts = []
    for code in codes:
        fixed = {"code": json.dumps(code, ensure_ascii=False).replace("%", "%%")}
        parts.append("[" + ", ".join(fixed.get(k) or _FORMATS[k] for k in INDICATOR_ROW) + "]")
    return "[" + ", ".join(parts) + "]", tuple(k for k in INDICATOR_ROW if k in _FORMATS)


QUOTED: dict[str | None, str] = {None: "null", **{t: f'"{t}"' for t in TEXTS}}


def _quoted(texts: list) -> list[str]:
    quoted = QUOTED
    return [quoted[t] if t in quoted else f'"{t}"' for t in texts]


def _indicators_text(totals: Totals, codes: tuple[str, ...], texts: list, texts_u: list, texts_t: list) -> str:
    template, order = _indicators_template(codes)
    columns = {"nrr": _quoted(texts), "sum": totals.sums, "count": totals.counts,
               "nrr_unflagged": _quoted(texts_u), "sum_unflagged": totals.sums_unflagged,
               "count_unflagged": totals.counts_unflagged, "nrr_ticketed": _quoted(texts_t),
               "sum_ticketed": totals.sums_ticketed, "count_ticketed": totals.counts_ticketed}
    # zip stops at the version's width (the quoted texts' length); the sums lists may be wider.
    return template % tuple(itertools.chain.from_iterable(zip(*[columns[k] for k in order], strict=False)))


FOUR_PLACES = Decimal("0.0001")


class _Empty(dict):
    """The figure of a scope without answers, per width."""

    def __missing__(self, width: int) -> Figure:
        self[width] = Figure(None, None, "", [None] * width, None, None)
        return self[width]


EMPTY = _Empty()


def _interval_values(totals: Totals, info: VersionInfo, ik: Exact | None) -> tuple:
    """The stored uncertainty of one scope's IK (reporting/uncertainty.py, computed by reporting/figures.py):
    score_total ... ik_categories_95 in FIGURE_FIELDS order."""
    result = spread(totals.n_counted, totals.score_total, totals.score_squares, ik, info.layout, totals.population)
    if result is None:
        return totals.score_total, totals.score_squares, totals.population, None, None, None, None, ""
    return (totals.score_total, totals.score_squares, totals.population,
            Decimal(repr(result.se)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP), _two(result.margin),
            _two(result.low), _two(result.high), ",".join(result.categories))


def _two(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _exact_sum(values: list[Exact]) -> Exact:
    """Σ num/den exactly, over one common denominator."""
    common = math.lcm(*(den for _num, den in values))
    return sum(num * (common // den) for num, den in values), common


class UnitSums:
    """Exact Σ of the unit NRRs and IKs of a pooled scope and how many units have an index: the unweighted
    unit average (reporting.indices.unit_average) is Σ / count, and sums of Kanwil add up to the nation's."""

    def __init__(self, nrr: Exact = (0, 1), ik: Exact = (0, 1), count: int = 0):
        self.nrr, self.ik, self.count = nrr, ik, count

    @classmethod
    def of_units(cls, exacts: list[tuple[Exact | None, Exact | None]]) -> UnitSums:
        scored = [(nrr, ik) for nrr, ik in exacts if nrr is not None and ik is not None]
        if not scored:
            return cls()
        return cls(_exact_sum([n for n, _i in scored]), _exact_sum([i for _n, i in scored]), len(scored))

    @classmethod
    def of_snapshot(cls, snapshot) -> UnitSums:
        if not snapshot.unit_count:
            return cls()
        nrr, ik = Fraction(snapshot.unit_nrr_sum), Fraction(snapshot.unit_ik_sum)
        return cls((nrr.numerator, nrr.denominator), (ik.numerator, ik.denominator), snapshot.unit_count)

    def add(self, other: UnitSums) -> None:
        if other.count:
            self.nrr, self.ik = _exact_sum([self.nrr, other.nrr]), _exact_sum([self.ik, other.ik])
            self.count += other.count

    def values(self) -> tuple:
        """unit_average_nrr, unit_average_ik, unit_nrr_sum, unit_ik_sum and unit_count (FIGURE_FIELDS order)."""
        if not self.count:
            return _NO_UNIT_SUMS
        return (decimal_of(hundredths(self.nrr[0], self.nrr[1] * self.count)),
                decimal_of(hundredths(self.ik[0], self.ik[1] * self.count)),
                str(Fraction(*self.nrr)), str(Fraction(*self.ik)), self.count)


BULK_CHUNK = 1000  # scopes per reporting.figures_bulk call
Row = tuple[Key, list | tuple]  # a scope and its figures in FIGURE_FIELDS order


def build_rows(table: SumsTable, infos: dict[int, VersionInfo]) -> dict[Key, list]:
    """Figures of every snapshot: per unit and service, per unit, and pooled per Kanwil and nation."""
    return dict(iter_rows(table, infos))


def iter_rows(table: SumsTable, infos: dict[int, VersionInfo]) -> Iterator[Row]:
    """Every scope's figures, a version at a time through reporting.figures_bulk; a scope it leaves to the
    reference (see there) is computed by _snapshot_values. Pooled scopes come last, with the exact sums of
    their units' NRR and IK."""
    by_version: dict[int, list[int]] = {}
    for row, key in enumerate(table.keys):
        by_version.setdefault(key[3], []).append(row)
    # In chunks, so that the database parses the first rows of the COPY while the next are computed.
    chunks = [(version, rows[at:at + BULK_CHUNK]) for version, rows in by_version.items()
              for at in range(0, len(rows), BULK_CHUNK)]
    exacts: dict[tuple, list] = {}
    pooled: list[Row] = []
    for version, rows in chunks:
        info = infos[version]
        template, order = _indicators_template(info.codes)
        bulk = bulk_values(table.matrix[rows], table.width, info.layout, template, order,
                           [table.last_at[r] for r in rows], [table.populations[r] for r in rows])
        exact_only = bulk.exact_only.tolist()
        keys, computed = table.keys, bulk.values
        for k, row in enumerate(rows):
            key = keys[row]
            if exact_only[k]:
                values, exact = _snapshot_values(table.totals(row), info)
            else:
                values, exact = computed[k], None
            if key[0] != Level.UNIT:
                pooled.append((key, values))
                continue
            if key[4] is None:  # a UPT's own row: its exact figure goes into its Kanwil's and the nation's sums
                exact = exact or bulk.exact(k)
                exacts.setdefault((table.kanwil_of[key[1]], version), []).append(exact)
                exacts.setdefault(version, []).append(exact)
            yield key, values
    for key, figures in pooled:
        level, _unit, kanwil, version, _service = key
        values = list(figures)
        values[UNIT_SUMS] = UnitSums.of_units(exacts.get((kanwil, version) if level == Level.KANWIL else version,
                                                         [])).values()
        yield key, values


# --------------------------------------------------------------------------- storing
FIGURE_FIELDS = (
    "n_counted", "n_flagged", "n_rejected", "indicators", "last_response_at", "nrr", "ik", "category",
    "nrr_unflagged", "ik_unflagged", "category_unflagged", "n_ticketed", "nrr_ticketed", "ik_ticketed",
    "category_ticketed", "unit_average_nrr", "unit_average_ik", "unit_nrr_sum", "unit_ik_sum", "unit_count",
    "score_total", "score_squares", "ik_population", "ik_se", "ik_margin_95", "ik_low_95", "ik_high_95",
    "ik_categories_95",
)
STATE_FIELDS = ("pk", "level", "unit_id", "kanwil_id", "version_id", "service_id", "revision", "is_final",
                "computed_at")
UNIT_SUMS = slice(FIGURE_FIELDS.index("unit_average_nrr"), FIGURE_FIELDS.index("unit_count") + 1)


def _store(period: Period, rows: Iterable[Row], scope: Q, *, now: datetime, freeze: bool) -> int:
    """Writes `rows` ((key, figures) pairs) as the current snapshots of `scope`; returns how many rows were written.

    The current rows are read as plain tuples and compared with the new figures; changed working figures are
    updated in place with one pipelined UPDATE, new revisions are inserted with one COPY that receives each row
    as soon as it is computed (bulk_create on SQLite and for a few rows)."""
    # The stored indicator text as written (compared with the new text as it is); on PostgreSQL the two
    # timestamps as microseconds since the epoch (parsing 20,000 timestamps costs more than the figures).
    postgresql = connection.vendor == "postgresql"
    replaced = {"indicators": Cast("indicators", TextField())}
    if postgresql:
        replaced.update(computed_at=EpochMicroseconds("computed_at"),
                        last_response_at=EpochMicroseconds("last_response_at"))
    stored = (Snapshot.objects.filter(scope, period=period, is_current=True)
              .annotate(**{f"stored_{name}": expression for name, expression in replaced.items()})
              .values_list(*(f"stored_{f}" if f in replaced else f for f in (*STATE_FIELDS, *FIGURE_FIELDS))))
    if postgresql:
        computed, last = STATE_FIELDS.index("computed_at"), len(STATE_FIELDS) + FIGURE_FIELDS.index("last_response_at")
        current = {row[1:6]: (*row[:computed], instant(row[computed]), *row[computed + 1:last],
                              instant(row[last]), *row[last + 1:]) for row in stored}
    else:
        current = {row[1:6]: row for row in stored}
    closed = period.status == Period.Status.CLOSED
    # After a reopening, the next freeze writes a new final revision even of figures that did not change.
    reopened_at = period.reopened_at
    to_update: list[tuple[int, tuple, datetime]] = []
    untouched: list[int] = []  # unchanged figures keep their computed_at: nothing is written
    retired: list[int] = []
    offset = len(STATE_FIELDS)
    with ExitStack() as stack:
        inserter = _Inserter(stack)
        for key, values in rows:
            figures = values if type(values) is tuple else tuple(values)
            old = _compare(key, figures, current, offset, freeze, reopened_at, untouched, to_update, retired, now)
            if old is False:
                continue
            level, unit_id, kanwil_id, version_id, service_id = key
            # The values of INSERT_FIELDS, in order.
            inserter.add((level, unit_id, kanwil_id, period.pk, version_id, service_id,
                          old[6] + 1 if old is not None else 1, True,
                          freeze or (old is not None and old[7] and closed), *figures, now))
        created = inserter.close()
    # Scopes that no longer have any scoresheet: drop working figures, keep frozen ones.
    vanished = [row[0] for row in current.values() if not row[7]]
    if vanished:
        Snapshot.objects.filter(pk__in=vanished).delete()
    if retired:
        Snapshot.objects.filter(pk__in=retired).update(is_current=False)
    if to_update:
        _update(to_update)
    return created + len(to_update)


class EpochMicroseconds(Func):
    """A timestamp as integer microseconds since the epoch (PostgreSQL)."""

    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) * 1000000 AS BIGINT)"
    output_field = BigIntegerField()


def _compare(key: Key, figures: tuple, current: dict, offset: int, freeze: bool, reopened_at, untouched: list,
             to_update: list, retired: list, now: datetime):
    """Sorts one computed row against the stored one: False when nothing is to be inserted (untouched, or
    updated in place), else the stored row the new revision follows (None for a new scope)."""
    old = current.pop(key, None)
    if old is not None:
        pk, is_final, computed_at = old[0], old[7], old[8]
        if old[offset:] == figures and (is_final or not freeze) and not (
            freeze and reopened_at is not None and computed_at < reopened_at
        ):
            untouched.append(pk)
            return False
        if not is_final and not freeze:
            to_update.append((pk, figures, now))
            return False
        # A new revision: a frozen final one, or a change after the final one.
        retired.append(pk)
    return old


def _update(rows: list[tuple[int, tuple, datetime]]) -> None:
    """Working figures changed in place: one parameterised UPDATE sent for all rows (psycopg pipelines
    executemany), instead of bulk_update's CASE over every column."""
    fields = [Snapshot._meta.get_field(name) for name in (*FIGURE_FIELDS, "computed_at")]
    postgresql = connection.vendor == "postgresql"
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = "
                            + ("%s::json" if postgresql and f.name == "indicators" else "%s") for f in fields)
    sql = f"UPDATE {Snapshot._meta.db_table} SET {assignments} WHERE id = %s"  # noqa: S608 - names from the model

    def prepared(f, v):
        if f.name == "indicators":  # the JSON text itself
            return v if postgresql else f.get_db_prep_save(json.loads(v), connection)
        return f.get_db_prep_save(v, connection)

    params = [[prepared(f, v) for f, v in zip(fields, (*figures, now), strict=True)] + [pk]
              for pk, figures, now in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


INSERT_FIELDS = ("level", "unit", "kanwil", "period", "version", "service", "revision", "is_current", "is_final",
                 *FIGURE_FIELDS, "computed_at")


_ESCAPES = re.compile(r"[\\\t\n\r]")  # what COPY's text format escapes


class _Inserter:
    """New snapshot rows: the first few are held back; from the 50th on PostgreSQL, one COPY (Django's UNNEST
    insert quotes JSON text in arrays, slower than the figures) receives them as they come, so that the
    database parses and indexes rows while the next are computed. Otherwise bulk_create at close().

    Rows are written to the COPY as text lines joined here (psycopg's write_row formats each value in turn,
    half the cost of the figures): every value's str() is its COPY text (True, Decimal, ISO datetime), None is
    \\N, and a row whose text needs COPY escapes (a tab, newline, carriage return or backslash inside a text
    value: the only values that can hold one) goes through write_row instead."""

    THRESHOLD = 50
    CHUNK = 256  # lines per write

    def __init__(self, stack: ExitStack):
        self.stack, self.copy, self.count = stack, None, 0
        self.pending: list[tuple] = []
        self.lines: list[str] = []
        fields = [Snapshot._meta.get_field(name) for name in INSERT_FIELDS]
        self.attnames = [f.attname for f in fields]
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        self.texts = [at for at, f in enumerate(fields) if f.get_internal_type() in ("CharField", "TextField",
                                                                                   "JSONField")]

    def add(self, row: tuple) -> None:
        self.count += 1
        if self.copy is not None:
            self._write(row)
            return
        self.pending.append(row)
        if connection.vendor == "postgresql" and len(self.pending) >= self.THRESHOLD:
            cursor = self.stack.enter_context(connection.cursor())
            self.copy = self.stack.enter_context(
                cursor.cursor.copy(f"COPY {Snapshot._meta.db_table} ({self.columns}) FROM STDIN"))
            self.stack.callback(self._flush)  # runs before the COPY ends (callbacks unwind first)
            for pending in self.pending:
                self._write(pending)
            self.pending = []

    def _write(self, row: tuple) -> None:
        escapes = _ESCAPES.search
        for at in self.texts:  # only text can hold a character COPY would need escaped
            value = row[at]
            if value and escapes(value):
                self.copy.write_row(row)
                return
        self.lines.append("\t".join(["\\N" if value is None else str(value) for value in row]))
        if len(self.lines) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.lines:
            self.copy.write("\n".join(self.lines) + "\n")
            self.lines = []

    def close(self) -> int:
        """Ends the COPY (or inserts the rows held back); returns how many rows were inserted."""
        self.stack.close()
        if self.pending:
            at = self.attnames.index("indicators")
            Snapshot.objects.bulk_create([
                Snapshot(**dict(zip(self.attnames, (*row[:at], json.loads(row[at]), *row[at + 1:]), strict=True)))
                for row in self.pending], batch_size=500)
        return self.count


def _lock(period_id: int) -> Period:
    """Serialises recomputes of one period so that pooled figures never miss a concurrent unit update."""
    return Period.objects.select_for_update().get(pk=period_id)


# --------------------------------------------------------------------------- entry points
def recompute_period(period_id: int, *, now: datetime | None = None, progress: Progress | None = None,
                     freeze: bool = False) -> int:
    """Recomputes every snapshot of a period (all units, Kanwil, nation); returns rows written."""
    now = now or timezone.now()
    with transaction.atomic():
        period = _lock(period_id)
        sums = aggregate_period(period)
        if progress:
            progress(1, 3)
        rows = iter_rows(sums, VersionInfo.load({key[3] for key in sums.keys}))
        if progress:
            progress(2, 3)
        written = _store(period, rows, Q(), now=now, freeze=freeze)
        if progress:
            progress(3, 3)
    logger.info("Recomputed period %s: %d snapshot rows written", period_id, written)
    return written


def recompute_unit(unit_id: int, period_id: int, *, now: datetime | None = None) -> int:
    """Recomputes one unit's snapshots from its scoresheets, its Kanwil's from the Kanwil's other current unit
    snapshots (their stored integer sums), and the nation's from the other Kanwil's current snapshots: a burst
    at one unit reads and writes that unit's rows, its Kanwil's and the nation's, never the other units'."""
    now = now or timezone.now()
    with transaction.atomic():
        period = _lock(period_id)
        unit = Unit.objects.get(pk=unit_id)
        kanwil_id = unit.kanwil_id
        stale = False
        width = score_width(period)
        services = aggregate_scoresheets(period, unit_id=unit_id)
        units: dict[tuple[int, int], Totals] = {}
        for (_unit, version, _service), totals in services.items():
            units.setdefault((unit_id, version), Totals(width)).add(totals)
        population = unit_populations(period, [unit_id]).get(unit_id)
        for totals in units.values():
            totals.population = population
        current = Snapshot.objects.filter(period=period, is_current=True, service=None)
        for snapshot in _plain(current.filter(level=Level.UNIT, unit__kanwil_id=kanwil_id).exclude(unit_id=unit_id)):
            units[(snapshot.unit_id, snapshot.version_id)] = Totals.from_snapshot(snapshot, width)
        kanwils: dict[tuple[int, int], Totals] = {}
        for (_unit, version), totals in units.items():
            kanwils.setdefault((kanwil_id, version), Totals(width)).add(totals)
        sums = PeriodSums(services, units, kanwils, {}, {u: kanwil_id for u, _v in units})
        infos = VersionInfo.load({version for _unit, version in units}
                                 | set(current.filter(level=Level.KANWIL).values_list("version_id", flat=True)))
        rows = build_rows(SumsTable.of(sums, width), infos)
        # Only this unit's rows are rewritten among the units (the Kanwil's others were read, not changed).
        rows = {k: v for k, v in rows.items() if k[0] != Level.UNIT or k[1] == unit_id}
        nation: dict[int, Totals] = {}
        unit_sums: dict[int, UnitSums] = {}
        for (_kanwil, version), _totals in kanwils.items():
            _average_nrr, _average_ik, nrr_sum, ik_sum, count = rows[(Level.KANWIL, None, kanwil_id, version,
                                                                     None)][UNIT_SUMS]
            nation.setdefault(version, Totals(width)).add(kanwils[(kanwil_id, version)])
            unit_sums.setdefault(version, UnitSums()).add(UnitSums(*_parse_sums(nrr_sum, ik_sum), count))
        other_kanwils = _plain(current.filter(level=Level.KANWIL).exclude(kanwil_id=kanwil_id))
        if any(k.n_counted and not k.unit_count for k in other_kanwils):
            # Kanwil figures stored before their exact unit sums were: pool the nation afresh instead.
            stale = True
        for snapshot in other_kanwils:
            nation.setdefault(snapshot.version_id, Totals(width)).add(Totals.from_snapshot(snapshot, width))
            unit_sums.setdefault(snapshot.version_id, UnitSums()).add(UnitSums.of_snapshot(snapshot))
        for version, totals in nation.items():
            values, _exact = _snapshot_values(totals, infos[version])
            values[UNIT_SUMS] = unit_sums[version].values()
            rows[(Level.NATION, None, None, version, None)] = values
        scope = (Q(level=Level.UNIT, unit_id=unit_id) | Q(level=Level.KANWIL, kanwil_id=kanwil_id)
                 | Q(level=Level.NATION))
        written = 0 if stale else _store(period, rows.items(), scope, now=now, freeze=False)
    if stale:
        return recompute_period(period_id, now=now)
    logger.info("Recomputed unit %s in period %s: %d snapshot rows written", unit.code, period_id, written)
    return written


# What Totals.from_snapshot and UnitSums.of_snapshot read of a stored snapshot.
SUM_FIELDS = ("unit_id", "kanwil_id", "version_id", "n_counted", "n_flagged", "n_rejected", "last_response_at",
              "score_total", "score_squares", "ik_population", "indicators", "n_ticketed", "unit_count",
              "unit_nrr_sum", "unit_ik_sum")


def _plain(snapshots) -> list[SimpleNamespace]:
    """The stored sums of snapshots as plain attribute objects (no model instance per row)."""
    return [SimpleNamespace(**row) for row in snapshots.values(*SUM_FIELDS)]


def _parse_sums(nrr: str, ik: str) -> tuple[Exact, Exact]:
    if not nrr:
        return (0, 1), (0, 1)
    a, b = Fraction(nrr), Fraction(ik)
    return (a.numerator, a.denominator), (b.numerator, b.denominator)


def freeze_final_snapshots(period_id: int, *, now: datetime | None = None) -> int:
    """Recomputes a period and stores the result as a new, final revision of every snapshot."""
    return recompute_period(period_id, now=now, freeze=True)


def periods_to_freeze():
    """Closed periods that have scoresheets or snapshots but no final snapshot since they were last closed."""
    frozen = Snapshot.objects.filter(period=OuterRef("pk"), is_final=True, computed_at__gte=OuterRef("closed_at"))
    return Period.objects.filter(status=Period.Status.CLOSED).exclude(
        Exists(Snapshot.objects.filter(period=OuterRef("pk"), is_final=True)) & (
            Q(reopened_at__isnull=True) | Exists(frozen)
        )
    ).filter(Q(snapshots__isnull=False) | Q(responses__isnull=False)).distinct()
