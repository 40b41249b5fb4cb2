"""Computes and stores index Snapshots from integer sums kept inside the database, pooled upwards in Python.

The database gives integer sums and counts per (unit, instrument version, service, status, flagged,
ticketed): on
PostgreSQL from reporting_scoretotal, running totals kept by triggers (reporting/totals_sql.py); on SQLite
from one GROUP BY over responses_scoresheet. That is a few thousand rows even for a million responses;
unit, Kanwil and national figures are exact sums of them, turned into indices by `reporting.indices`.
No response row is ever loaded into Python.

Revisions: while a period is open (or closed but not yet frozen) the current snapshot of a scope is
updated in place. `freeze_final_snapshots` writes a new revision marked final. After that, a change
(e.g. a review decision) writes another final revision; older revisions stay, with is_current off.
"""
from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from responses.models import Response
from surveys.models import MAX_INDICATORS, InstrumentVersion, Period, Target, Unit

from .figures import Exact, Layout, decimal_of, figure, hundredths, spread
from .indices import TWO_PLACES, Band, Scale
from .models import Level, Snapshot
from .totals_sql import with_ticketed

logger = logging.getLogger(__name__)

ACCEPTED = Response.Status.ACCEPTED
Progress = Callable[[int, int], None]
# (level, unit_id, kanwil_id, version_id, service_id)
Key = tuple[str, int | None, int | None, int, int | None]
SUM_LISTS = ("sums", "counts", "sums_unflagged", "counts_unflagged", "sums_ticketed", "counts_ticketed")


@dataclass
class Totals:
    """Integer sums and counts of one scope and instrument version, by indicator position (0-based)."""

    width: int
    n_counted: int = 0
    n_flagged: int = 0
    n_rejected: int = 0
    last_response_at: datetime | None = None
    score_total: int = 0  # Σt over the counted responses (t: one response's total score)
    score_squares: int = 0  # Σt²
    population: int | None = None  # N for the finite-population correction; None when not known
    sums: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    sums_unflagged: list[int] = field(default_factory=list)
    counts_unflagged: list[int] = field(default_factory=list)
    n_ticketed: int = 0  # counted responses redeemed from a survey ticket
    sums_ticketed: list[int] = field(default_factory=list)
    counts_ticketed: list[int] = field(default_factory=list)

    def __post_init__(self):
        for name in SUM_LISTS:
            values = getattr(self, name)
            values.extend([0] * (self.width - len(values)))

    def add(self, other: Totals) -> None:
        # The population of a pooled scope is known only when every part's is.
        if self.n_counted == 0 and self.n_rejected == 0 and self.population is None and not self.score_total:
            self.population = other.population
        elif self.population is None or other.population is None:
            self.population = None
        else:
            self.population += other.population
        self.n_counted += other.n_counted
        self.n_flagged += other.n_flagged
        self.n_rejected += other.n_rejected
        self.n_ticketed += other.n_ticketed
        self.score_total += other.score_total
        self.score_squares += other.score_squares
        if other.last_response_at and (self.last_response_at is None or other.last_response_at > self.last_response_at):
            self.last_response_at = other.last_response_at
        for name in SUM_LISTS:
            mine, theirs = getattr(self, name), getattr(other, name)
            for i in range(min(len(mine), len(theirs))):
                mine[i] += theirs[i]

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot, width: int) -> Totals:
        totals = cls(width, snapshot.n_counted, snapshot.n_flagged, snapshot.n_rejected, snapshot.last_response_at,
                     snapshot.score_total, snapshot.score_squares, snapshot.ik_population)
        for position, row in enumerate(snapshot.indicators[:width]):
            totals.sums[position] = int(row.get("sum") or 0)
            totals.counts[position] = int(row.get("count") or 0)
            totals.sums_unflagged[position] = int(row.get("sum_unflagged") or 0)
            totals.counts_unflagged[position] = int(row.get("count_unflagged") or 0)
            totals.sums_ticketed[position] = int(row.get("sum_ticketed") or 0)
            totals.counts_ticketed[position] = int(row.get("count_ticketed") or 0)
        totals.n_ticketed = snapshot.n_ticketed
        return totals


@dataclass(frozen=True)
class VersionInfo:
    """What the maths needs of an instrument version: indicator codes in order, scale and bands."""

    pk: int
    codes: tuple[str, ...]
    scale: Scale
    bands: tuple[Band, ...]

    @cached_property
    def layout(self) -> Layout:
        return Layout(len(self.codes), self.scale, self.bands)

    @classmethod
    def load(cls, version_ids) -> dict[int, VersionInfo]:
        versions = InstrumentVersion.objects.filter(pk__in=list(version_ids)).prefetch_related("indicators")
        return {
            v.pk: cls(
                pk=v.pk,
                codes=tuple(i.code for i in sorted(v.indicators.all(), key=lambda i: i.position)),
                scale=Scale(v.scale_min, v.scale_max),
                bands=tuple(Band.from_dict(b) for b in v.bands),
            )
            for v in versions
        }


# --------------------------------------------------------------------------- aggregation in the database
def _score_width(period: Period) -> int:
    """Score columns to aggregate: the largest indicator count among the period's versions."""
    widest = period.instrument_versions.aggregate(n=Max("indicators__position"))["n"]
    return widest or MAX_INDICATORS


def aggregate_scoresheets(period: Period, *, unit_id: int | None = None,
                          source: str = "auto") -> dict[tuple[int, int, int], Totals]:
    """Totals per (unit, version, service) of the period's scoresheets.

    On PostgreSQL they are read from reporting_scoretotal, kept by triggers equal to a GROUP BY over
    responses_scoresheet (a few thousand rows however many responses); elsewhere, or with
    source="scoresheets", they come from that GROUP BY itself.
    """
    width = _score_width(period)
    where, params = "period_id = %s", [period.pk]
    if unit_id is not None:
        where, params = where + " AND unit_id = %s", [*params, unit_id]
    keys = "unit_id, version_id, service_id, status, flagged, ticketed"
    if source == "auto":
        source = "totals" if connection.vendor == "postgresql" else "scoresheets"
    # Column names come from range(); values are parameters.
    if source == "totals":
        columns = ", ".join(f"s_{i}, c_{i}" for i in range(1, width + 1))
        sql = (f"SELECT {keys}, n, last_response_id, t_sum, t_squares, {columns} "  # noqa: S608
               f"FROM reporting_scoretotal WHERE {where}")
    else:
        columns = ", ".join(f"SUM(score_{i}), COUNT(score_{i})" for i in range(1, width + 1))
        t = "(" + " + ".join(f"COALESCE(score_{i}, 0)" for i in range(1, MAX_INDICATORS + 1)) + ")"
        sql = (f"SELECT {keys}, COUNT(*), MAX(response_id), SUM({t}), SUM({t} * {t}), {columns} "  # noqa: S608
               f"FROM {with_ticketed('responses_scoresheet')} WHERE {where} GROUP BY {keys}")
    groups: dict[tuple[int, int, int], Totals] = {}
    last_ids: dict[tuple[int, int, int], int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block and source != "totals":
            # JIT-compiling this one-off aggregate costs more (~0.4 s) than it saves.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            unit, version, service, status, flagged, ticketed, n, last_id = row[:8]
            if not n:
                continue
            t_sum, t_squares = int(row[8] or 0), int(row[9] or 0)
            scores = [int(v or 0) for v in row[10:]]
            sums, counts = scores[0::2], scores[1::2]
            key = (unit, version, service)
            totals = groups.setdefault(key, Totals(width))
            last_ids[key] = max(last_ids.get(key, 0), last_id or 0)
            if status != ACCEPTED:
                totals.n_rejected += n
                continue
            totals.n_counted += n
            totals.score_total += t_sum
            totals.score_squares += t_squares
            _add_into(totals.sums, sums)
            _add_into(totals.counts, counts)
            if flagged:
                totals.n_flagged += n
            else:
                _add_into(totals.sums_unflagged, sums)
                _add_into(totals.counts_unflagged, counts)
            if ticketed:
                totals.n_ticketed += n
                _add_into(totals.sums_ticketed, sums)
                _add_into(totals.counts_ticketed, counts)
    # Ids grow with arrival, so the largest id per group is its latest response.
    created = dict(Response.objects.filter(pk__in=set(last_ids.values())).values_list("pk", "created_at"))
    for key, last_id in last_ids.items():
        groups[key].last_response_at = created.get(last_id)
    populations = dict(Target.objects.filter(period=period, service_id__in={s for _u, _v, s in groups}).values_list(
        "service_id", "population"))
    for (_unit, _version, service), totals in groups.items():
        totals.population = populations.get(service)
    return groups


def _add_into(target: list[int], values: list[int]) -> None:
    for i, v in enumerate(values):
        target[i] += v


# --------------------------------------------------------------------------- rows to store
def _snapshot_values(totals: Totals, info: VersionInfo) -> dict:
    """A snapshot's stored figures from its integer sums (reporting.figures: integers only until display)."""
    layout = info.layout
    full = figure(totals.sums, totals.counts, layout)
    unflagged = figure(totals.sums_unflagged, totals.counts_unflagged, layout)
    ticketed = figure(totals.sums_ticketed, totals.counts_ticketed, layout)
    sums, counts = totals.sums, totals.counts
    sums_u, counts_u, sums_t, counts_t = (totals.sums_unflagged, totals.counts_unflagged, totals.sums_ticketed,
                                          totals.counts_ticketed)
    texts, texts_u, texts_t = full.indicators, unflagged.indicators, ticketed.indicators
    indicators = [
        {"code": code, "position": i + 1, "sum": sums[i], "count": counts[i], "nrr": texts[i],
         "sum_unflagged": sums_u[i], "count_unflagged": counts_u[i], "nrr_unflagged": texts_u[i],
         "sum_ticketed": sums_t[i], "count_ticketed": counts_t[i], "nrr_ticketed": texts_t[i]}
        for i, code in enumerate(info.codes)
    ]
    return {
        "n_counted": totals.n_counted, "n_flagged": totals.n_flagged, "n_rejected": totals.n_rejected,
        "indicators": indicators, "last_response_at": totals.last_response_at,
        "nrr": full.nrr, "ik": full.ik, "category": full.category,
        "nrr_unflagged": unflagged.nrr, "ik_unflagged": unflagged.ik, "category_unflagged": unflagged.category,
        "n_ticketed": totals.n_ticketed, "nrr_ticketed": ticketed.nrr, "ik_ticketed": ticketed.ik,
        "category_ticketed": ticketed.category,
        "unit_average_nrr": None, "unit_average_ik": None,
        **_interval_values(totals, info, full.ik_exact),
        "_exact": (full.nrr_exact, full.ik_exact),
    }


FOUR_PLACES = Decimal("0.0001")


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


def _unit_average(exacts: list[tuple[Exact | None, Exact | None]]) -> tuple[Decimal | None, Decimal | None]:
    """The unweighted mean of the exact unit NRRs and IKs (reporting.indices.unit_average), rounded once."""
    scored = [(nrr, ik) for nrr, ik in exacts if nrr is not None and ik is not None]
    if not scored:
        return None, None

    def mean(values: list[Exact]) -> Decimal:
        # One exact sum over a common denominator: Σ num·(L/den) / (L·k).
        common = math.lcm(*(den for _num, den in values))
        total = sum(num * (common // den) for num, den in values)
        return decimal_of(hundredths(total, common * len(values)))

    return mean([nrr for nrr, _ik in scored]), mean([ik for _nrr, ik in scored])


def build_rows(
    unit_groups: dict[tuple[int, int, int], Totals],
    unit_totals: dict[tuple[int, int], Totals],
    infos: dict[int, VersionInfo],
    kanwil_of: dict[int, int],
) -> dict[Key, dict]:
    """Values of every snapshot: per unit and service, per unit, and pooled per Kanwil and nation."""
    rows: dict[Key, dict] = {}
    for (unit, version, service), totals in unit_groups.items():
        rows[(Level.UNIT, unit, None, version, service)] = _snapshot_values(totals, infos[version])
    pooled: dict[Key, Totals] = {}
    unit_results: dict[Key, list] = {}
    for (unit, version), totals in unit_totals.items():
        info = infos[version]
        values = _snapshot_values(totals, info)
        rows[(Level.UNIT, unit, None, version, None)] = values
        for key in ((Level.KANWIL, None, kanwil_of[unit], version, None), (Level.NATION, None, None, version, None)):
            pooled.setdefault(key, Totals(totals.width)).add(totals)
            unit_results.setdefault(key, []).append(values["_exact"])
    for key, totals in pooled.items():
        values = _snapshot_values(totals, infos[key[3]])
        values["unit_average_nrr"], values["unit_average_ik"] = _unit_average(unit_results[key])
        rows[key] = values
    return rows


def _roll_up_services(groups: dict[tuple[int, int, int], Totals], period: Period) -> dict[tuple[int, int], Totals]:
    units: dict[tuple[int, int], Totals] = {}
    for (unit, version, _service), totals in groups.items():
        units.setdefault((unit, version), Totals(totals.width)).add(totals)
    populations = unit_populations(period, {unit for unit, _version in units})
    for (unit, _version), totals in units.items():
        totals.population = populations.get(unit)
    return units


def unit_populations(period: Period, unit_ids) -> dict[int, int]:
    """A unit's population N: the sum of its services' targets, for units whose every active service has one."""
    from surveys.models import UnitService

    services: dict[int, set[int]] = {}
    active = UnitService.objects.filter(unit_id__in=list(unit_ids), active=True)
    for unit, service in active.values_list("unit_id", "pk"):
        services.setdefault(unit, set()).add(service)
    known: dict[int, dict[int, int]] = {}
    for unit, service, population in Target.objects.filter(period=period, service__unit_id__in=list(unit_ids)) \
            .values_list("service__unit_id", "service_id", "population"):
        known.setdefault(unit, {})[service] = population
    return {unit: sum(known[unit].values()) for unit, ids in services.items()
            if unit in known and set(known[unit]) >= ids}


# --------------------------------------------------------------------------- storing
FIGURE_FIELDS = (
    "n_counted", "n_flagged", "n_rejected", "indicators", "last_response_at", "nrr", "ik", "category",
    "nrr_unflagged", "ik_unflagged", "category_unflagged", "n_ticketed", "nrr_ticketed", "ik_ticketed",
    "category_ticketed", "unit_average_nrr", "unit_average_ik",
    "score_total", "score_squares", "ik_population", "ik_se", "ik_margin_95", "ik_low_95", "ik_high_95",
    "ik_categories_95",
)


def _key_of(s: Snapshot) -> Key:
    return (s.level, s.unit_id, s.kanwil_id, s.version_id, s.service_id)


def _same_figures(snapshot: Snapshot, values: dict) -> bool:
    return all(getattr(snapshot, f) == values[f] for f in FIGURE_FIELDS)


def _store(period: Period, rows: dict[Key, dict], scope: Q, *, now: datetime, freeze: bool) -> int:
    """Writes `rows` as the current snapshots of `scope`; returns how many rows were written."""
    current = {_key_of(s): s for s in Snapshot.objects.filter(scope, period=period, is_current=True)}
    closed = period.status == Period.Status.CLOSED
    # After a reopening, the next freeze writes a new final revision even of figures that did not change.
    reopened_at = period.reopened_at
    to_create, to_update, untouched, retired = [], [], [], []
    for key, values in rows.items():
        figures = {f: values[f] for f in FIGURE_FIELDS}
        old = current.pop(key, None)
        if old is not None and _same_figures(old, figures) and (old.is_final or not freeze) and not (
            freeze and reopened_at is not None and old.computed_at < reopened_at
        ):
            untouched.append(old.pk)
            continue
        if old is not None and not old.is_final and not freeze:
            for name, value in figures.items():
                setattr(old, name, value)
            old.computed_at = now
            to_update.append(old)
            continue
        # A new revision: the first one, a frozen final one, or a change after the final one.
        if old is not None:
            old.is_current = False
            retired.append(old)
        level, unit_id, kanwil_id, version_id, service_id = key
        to_create.append(Snapshot(
            level=level, unit_id=unit_id, kanwil_id=kanwil_id, period=period, version_id=version_id,
            service_id=service_id, revision=old.revision + 1 if old is not None else 1, is_current=True,
            is_final=freeze or (old is not None and old.is_final and closed), computed_at=now, **figures,
        ))
    # Scopes that no longer have any scoresheet: drop working figures, keep frozen ones.
    vanished = [s.pk for s in current.values() if not s.is_final]
    if vanished:
        Snapshot.objects.filter(pk__in=vanished).delete()
    if retired:
        Snapshot.objects.bulk_update(retired, ["is_current"], batch_size=500)
    if to_update:
        Snapshot.objects.bulk_update(to_update, [*FIGURE_FIELDS, "computed_at"], batch_size=200)
    if untouched and not freeze:
        Snapshot.objects.filter(pk__in=untouched, is_final=False).update(computed_at=now)
    _insert(to_create)
    return len(to_create) + len(to_update)


INSERT_FIELDS = ("level", "unit", "kanwil", "period", "version", "service", "revision", "is_current", "is_final",
                 *FIGURE_FIELDS, "computed_at")


def _insert(snapshots: list[Snapshot]) -> None:
    """bulk_create, or COPY on PostgreSQL: a national recompute creates ~1,000 rows with JSON, and
    psycopg's array quoting of JSON text (Django's UNNEST insert) costs more than the aggregation."""
    if connection.vendor != "postgresql" or len(snapshots) < 50:
        Snapshot.objects.bulk_create(snapshots, batch_size=500)
        return
    fields = [Snapshot._meta.get_field(name) for name in INSERT_FIELDS]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {Snapshot._meta.db_table} ({columns}) FROM STDIN") as copy:
            for snapshot in snapshots:
                copy.write_row([
                    json.dumps(value) if f.name == "indicators" else value
                    for f, value in ((f, getattr(snapshot, f.attname)) for f in fields)
                ])


def _lock(period_id: int) -> Period:
    """Serialises recomputes of one period so that pooled figures never miss a concurrent unit update."""
    return Period.objects.select_for_update().get(pk=period_id)


def _kanwil_map(unit_ids) -> dict[int, int]:
    return dict(Unit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "kanwil_id"))


# --------------------------------------------------------------------------- entry points
def recompute_period(period_id: int, *, now: datetime | None = None, progress: Progress | None = None,
                     freeze: bool = False) -> int:
    """Recomputes every snapshot of a period (all units, Kanwil, nation); returns rows written."""
    now = now or timezone.now()
    with transaction.atomic():
        period = _lock(period_id)
        groups = aggregate_scoresheets(period)
        if progress:
            progress(1, 3)
        infos = VersionInfo.load({version for _unit, version, _service in groups})
        unit_totals = _roll_up_services(groups, period)
        rows = build_rows(groups, unit_totals, infos, _kanwil_map({unit for unit, _v in unit_totals}))
        if progress:
            progress(2, 3)
        written = _store(period, rows, Q(), now=now, freeze=freeze)
        if progress:
            progress(3, 3)
    logger.info("Recomputed period %s: %d snapshot rows written", period_id, written)
    return written


def recompute_unit(unit_id: int, period_id: int, *, now: datetime | None = None) -> int:
    """Recomputes one unit's snapshots from its scoresheets, then its Kanwil's and the nation's from the
    current unit snapshots (their stored integer sums), so a burst at one unit never scans the others."""
    now = now or timezone.now()
    with transaction.atomic():
        period = _lock(period_id)
        unit = Unit.objects.get(pk=unit_id)
        groups = aggregate_scoresheets(period, unit_id=unit_id)
        width = _score_width(period)
        unit_totals = _roll_up_services(groups, period)
        others = Snapshot.objects.filter(period=period, level=Level.UNIT, service=None, is_current=True).exclude(
            unit_id=unit_id
        )
        for snapshot in others:
            unit_totals[(snapshot.unit_id, snapshot.version_id)] = Totals.from_snapshot(snapshot, width)
        infos = VersionInfo.load({version for _unit, version in unit_totals})
        rows = build_rows(groups, unit_totals, infos, _kanwil_map({u for u, _v in unit_totals}))
        # Only this unit's rows and the pooled rows are rewritten; the other units' rows stay as stored.
        rows = {k: v for k, v in rows.items() if k[0] != Level.UNIT or k[1] == unit_id}
        scope = Q(level=Level.UNIT, unit_id=unit_id) | Q(level__in=[Level.KANWIL, Level.NATION])
        written = _store(period, rows, scope, now=now, freeze=False)
    logger.info("Recomputed unit %s in period %s: %d snapshot rows written", unit.code, period_id, written)
    return written


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
