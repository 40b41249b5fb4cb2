"""Computes and stores index Snapshots from integer sums kept inside the database, in bulk.

The database gives integer sums and counts of every scope (reporting/snapshot_sums.py: on PostgreSQL one
GROUPING SETS query over reporting_scoretotal, the running totals kept by triggers; on SQLite a GROUP BY over
responses_scoresheet added up in Python): a few thousand rows even for a million responses. Figures are computed
with integer arithmetic (reporting/figures.py) and compared with the stored rows: only rows whose figures changed
are written (new ones by one COPY on PostgreSQL, streamed while the next are computed; changed ones by one
pipelined UPDATE). A row whose figures did not change is not touched and keeps its computed_at, so a recompute
that changes nothing writes nothing and the API's ETag and Last-Modified stay as they were.
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
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from surveys.models import Period, Unit

from .figures import TEXTS, Exact, Figure, decimal_of, figure, hundredths, spread
from .indices import TWO_PLACES
from .models import Level, Snapshot
from .snapshot_sums import (
    PeriodSums,
    Totals,
    VersionInfo,
    aggregate_period,
    aggregate_scoresheets,
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
def _snapshot_values(totals: Totals, info: VersionInfo) -> dict:
    """A snapshot's stored figures from its integer sums (reporting.figures: integers only until display)."""
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
    return {
        "n_counted": totals.n_counted, "n_flagged": totals.n_flagged, "n_rejected": totals.n_rejected,
        "indicators": _indicators_text(totals, info.codes, full.indicators, unflagged.indicators,
                                       ticketed.indicators),
        "last_response_at": totals.last_response_at,
        "nrr": full.nrr, "ik": full.ik, "category": full.category,
        "nrr_unflagged": unflagged.nrr, "ik_unflagged": unflagged.ik, "category_unflagged": unflagged.category,
        "n_ticketed": totals.n_ticketed, "nrr_ticketed": ticketed.nrr, "ik_ticketed": ticketed.ik,
        "category_ticketed": ticketed.category,
        "unit_average_nrr": None, "unit_average_ik": None, "unit_nrr_sum": "", "unit_ik_sum": "", "unit_count": 0,
        **_interval_values(totals, info, full.ik_exact),
        "_exact": (full.nrr_exact, full.ik_exact),
    }


# A snapshot's indicator rows are kept as JSON text in PostgreSQL's jsonb output form (keys by length, then
# bytes; ", " and ": " separators): the new text is compared with `indicators::text` of the stored row and
# COPYed as it is, with no list of dicts built, encoded or decoded per indicator (a national recompute has ~80,000).
INDICATOR_KEYS = sorted(("code", "position", "sum", "count", "nrr", "sum_unflagged", "count_unflagged",
                         "nrr_unflagged", "sum_ticketed", "count_ticketed", "nrr_ticketed"),
                        key=lambda k: (len(k), k))
_FORMATS = {"nrr": "%s", "sum": "%d", "count": "%d", "nrr_unflagged": "%s", "sum_unflagged": "%d",
            "count_unflagged": "%d", "nrr_ticketed": "%s", "sum_ticketed": "%d", "count_ticketed": "%d"}


@functools.lru_cache(maxsize=64)
def _indicators_template(codes: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The %-template of a version's indicator JSON text and the order of its per-indicator arguments."""
    parts = []
    for position, code in enumerate(codes, start=1):
        fixed = {"code": json.dumps(code, ensure_ascii=False).replace("%", "%%"), "position": str(position)}
        parts.append("{" + ", ".join(f'"{k}": {fixed.get(k) or _FORMATS[k]}' for k in INDICATOR_KEYS) + "}")
    return "[" + ", ".join(parts) + "]", tuple(k for k in INDICATOR_KEYS if k in _FORMATS)


QUOTED: dict[str | None, str] = {None: "null", **{t: f'"{t}"' for t in TEXTS}}


def _quoted(text: str | None) -> str:
    return QUOTED.get(text) or f'"{text}"'


def _indicators_text(totals: Totals, codes: tuple[str, ...], texts: list, texts_u: list, texts_t: list) -> str:
    template, order = _indicators_template(codes)
    columns = {"nrr": [_quoted(t) for t in texts], "sum": totals.sums, "count": totals.counts,
               "nrr_unflagged": [_quoted(t) for t in texts_u], "sum_unflagged": totals.sums_unflagged,
               "count_unflagged": totals.counts_unflagged, "nrr_ticketed": [_quoted(t) for t in texts_t],
               "sum_ticketed": totals.sums_ticketed, "count_ticketed": totals.counts_ticketed}
    # zip stops at the version's width (the quoted texts' length); the sums lists may be wider.
    return template % tuple(itertools.chain.from_iterable(zip(*(columns[k] for k in order), strict=False)))


def canonical_indicators(indicators: list) -> str:
    """Stored indicator rows (decoded JSON) as the text _indicators_text writes, to compare on SQLite, which keeps
    the JSON text as written."""
    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    return "[" + ", ".join(
        "{" + ", ".join(f"{dumps(k)}: {dumps(v)}" for k, v in sorted(row.items(), key=lambda kv: (len(kv[0]), kv[0])))
        + "}" if isinstance(row, dict) else dumps(row) for row in indicators) + "]"


FOUR_PLACES = Decimal("0.0001")


class _Empty(dict):
    """The figure of a scope without answers, per width."""

    def __missing__(self, width: int) -> Figure:
        self[width] = Figure(None, None, "", [None] * width, None, None)
        return self[width]


EMPTY = _Empty()


def _interval_values(totals: Totals, info: VersionInfo, ik: Exact | None) -> dict:
    """The stored uncertainty of one scope's IK (reporting/uncertainty.py, computed by reporting/figures.py)."""
    result = spread(totals.n_counted, totals.score_total, totals.score_squares, ik, info.layout, totals.population)
    values = {"score_total": totals.score_total, "score_squares": totals.score_squares,
              "ik_population": totals.population}
    if result is None:
        return {**values, "ik_se": None, "ik_margin_95": None, "ik_low_95": None, "ik_high_95": None,
                "ik_categories_95": ""}
    return {
        **values,
        "ik_se": Decimal(repr(result.se)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP),
        "ik_margin_95": _two(result.margin), "ik_low_95": _two(result.low), "ik_high_95": _two(result.high),
        "ik_categories_95": ",".join(result.categories),
    }


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

    def values(self) -> dict:
        if not self.count:
            return {"unit_average_nrr": None, "unit_average_ik": None, "unit_nrr_sum": "", "unit_ik_sum": "",
                    "unit_count": 0}
        return {
            "unit_average_nrr": decimal_of(hundredths(self.nrr[0], self.nrr[1] * self.count)),
            "unit_average_ik": decimal_of(hundredths(self.ik[0], self.ik[1] * self.count)),
            "unit_nrr_sum": str(Fraction(*self.nrr)), "unit_ik_sum": str(Fraction(*self.ik)),
            "unit_count": self.count,
        }


def build_rows(sums: PeriodSums, infos: dict[int, VersionInfo]) -> dict[Key, dict]:
    """Values of every snapshot: per unit and service, per unit, and pooled per Kanwil and nation."""
    return dict(iter_rows(sums, infos))


def iter_rows(sums: PeriodSums, infos: dict[int, VersionInfo]) -> Iterator[tuple[Key, dict]]:
    """build_rows one scope at a time (pooled scopes last), so that a full recompute streams its rows into the
    COPY while the next are computed."""
    for (unit, version, service), totals in sums.services.items():
        yield (Level.UNIT, unit, None, version, service), _snapshot_values(totals, infos[version])
    exacts: dict[tuple, list] = {}
    for (unit, version), totals in sums.units.items():
        values = _snapshot_values(totals, infos[version])
        exacts.setdefault((sums.kanwil_of[unit], version), []).append(values["_exact"])
        exacts.setdefault(version, []).append(values["_exact"])
        yield (Level.UNIT, unit, None, version, None), values
    for (kanwil, version), totals in sums.kanwils.items():
        values = _snapshot_values(totals, infos[version])
        values.update(UnitSums.of_units(exacts.get((kanwil, version), [])).values())
        yield (Level.KANWIL, None, kanwil, version, None), values
    for version, totals in sums.nation.items():
        values = _snapshot_values(totals, infos[version])
        values.update(UnitSums.of_units(exacts.get(version, [])).values())
        yield (Level.NATION, None, None, version, None), values


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
AT = len(STATE_FIELDS) + FIGURE_FIELDS.index("indicators")  # of the indicators among a stored row's values


def _store(period: Period, rows: Iterable[tuple[Key, dict]], scope: Q, *, now: datetime, freeze: bool) -> int:
    """Writes `rows` ((key, values) pairs) as the current snapshots of `scope`; returns how many rows were written.

    The current rows are read as plain tuples and compared with the new figures; changed working figures are
    updated in place with one pipelined UPDATE, new revisions are inserted with one COPY that receives each row
    as soon as it is computed (bulk_create on SQLite and for a few rows)."""
    if connection.vendor == "postgresql":  # indicators::text is already in jsonb's canonical form
        stored = (Snapshot.objects.filter(scope, period=period, is_current=True)
                  .annotate(indicators_text=Cast("indicators", TextField()))
                  .values_list(*STATE_FIELDS, *("indicators_text" if f == "indicators" else f for f in FIGURE_FIELDS)))
        current = {row[1:6]: row for row in stored}
    else:
        stored = Snapshot.objects.filter(scope, period=period, is_current=True).values_list(*STATE_FIELDS,
                                                                                            *FIGURE_FIELDS)
        current = {row[1:6]: (*row[:AT], canonical_indicators(row[AT]), *row[AT + 1:]) for row in stored}
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
            old = _compare(key, values, current, offset, freeze, reopened_at, untouched, to_update, retired, now)
            if old is False:
                continue
            level, unit_id, kanwil_id, version_id, service_id = key
            # The values of INSERT_FIELDS, in order.
            inserter.add((level, unit_id, kanwil_id, period.pk, version_id, service_id,
                          old[6] + 1 if old is not None else 1, True,
                          freeze or (old is not None and old[7] and closed), *values["_figures"], now))
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


def _compare(key: Key, values: dict, current: dict, offset: int, freeze: bool, reopened_at, untouched: list,
             to_update: list, retired: list, now: datetime):
    """Sorts one computed row against the stored one: False when nothing is to be inserted (untouched, or
    updated in place), else the stored row the new revision follows (None for a new scope)."""
    figures = values["_figures"] = tuple(values[f] for f in FIGURE_FIELDS)
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
                            + ("%s::jsonb" if postgresql and f.name == "indicators" else "%s") for f in fields)
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


class _Inserter:
    """New snapshot rows: the first few are held back; from the 50th on PostgreSQL, one COPY (Django's UNNEST
    insert quotes JSON text in arrays, slower than the figures) receives them as they come, so that the
    database parses and indexes rows while the next are computed. Otherwise bulk_create at close()."""

    THRESHOLD = 50

    def __init__(self, stack: ExitStack):
        self.stack, self.copy, self.count = stack, None, 0
        self.pending: list[tuple] = []
        fields = [Snapshot._meta.get_field(name) for name in INSERT_FIELDS]
        self.attnames = [f.attname for f in fields]
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)

    def add(self, row: tuple) -> None:
        self.count += 1
        if self.copy is not None:
            self.copy.write_row(row)
            return
        self.pending.append(row)
        if connection.vendor == "postgresql" and len(self.pending) >= self.THRESHOLD:
            cursor = self.stack.enter_context(connection.cursor())
            self.copy = self.stack.enter_context(
                cursor.cursor.copy(f"COPY {Snapshot._meta.db_table} ({self.columns}) FROM STDIN"))
            for pending in self.pending:
                self.copy.write_row(pending)
            self.pending = []

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
        rows = iter_rows(sums, VersionInfo.load({version for _unit, version in sums.units}))
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
        rows = build_rows(sums, infos)
        # Only this unit's rows are rewritten among the units (the Kanwil's others were read, not changed).
        rows = {k: v for k, v in rows.items() if k[0] != Level.UNIT or k[1] == unit_id}
        nation: dict[int, Totals] = {}
        unit_sums: dict[int, UnitSums] = {}
        for (_kanwil, version), _totals in kanwils.items():
            values = rows[(Level.KANWIL, None, kanwil_id, version, None)]
            nation.setdefault(version, Totals(width)).add(kanwils[(kanwil_id, version)])
            unit_sums.setdefault(version, UnitSums()).add(UnitSums(
                *_parse_sums(values["unit_nrr_sum"], values["unit_ik_sum"]), values["unit_count"]))
        other_kanwils = _plain(current.filter(level=Level.KANWIL).exclude(kanwil_id=kanwil_id))
        if any(k.n_counted and not k.unit_count for k in other_kanwils):
            # Kanwil figures stored before their exact unit sums were: pool the nation afresh instead.
            stale = True
        for snapshot in other_kanwils:
            nation.setdefault(snapshot.version_id, Totals(width)).add(Totals.from_snapshot(snapshot, width))
            unit_sums.setdefault(snapshot.version_id, UnitSums()).add(UnitSums.of_snapshot(snapshot))
        for version, totals in nation.items():
            values = _snapshot_values(totals, infos[version])
            values.update(unit_sums[version].values())
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
