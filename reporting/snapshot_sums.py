"""Integer sums of a period's scoresheets per scope, read from the database in one set-based query.

One row per (unit, version, service) and, on PostgreSQL, per (unit, version), (Kanwil, version) and (version)
too (GROUPING SETS over reporting_scoretotal, the running totals kept by triggers in reporting/totals_sql.py):
the database pivots status, flagged and ticketed into columns, so Python receives the sums it stores, never a
response row. Elsewhere (SQLite) the same pivot runs over a GROUP BY of responses_scoresheet and the unit and
pooled sums are added up in Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db import connection
from django.db.models import Max

from responses.models import Response
from surveys.models import MAX_INDICATORS, InstrumentVersion, Period, Target

from .figures import Layout
from .indices import Band, Scale
from .totals_sql import with_ticketed

ACCEPTED = Response.Status.ACCEPTED.value
SUM_LISTS = ("sums", "counts", "sums_unflagged", "counts_unflagged", "sums_ticketed", "counts_ticketed")
# GROUPING(unit_id, service_id, kanwil_id) of each grouping set.
SERVICE, UNIT, KANWIL, NATION = 0, 2, 6, 7


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
            if len(values) < self.width:
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
    def from_snapshot(cls, snapshot, width: int) -> Totals:
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


def score_width(period: Period) -> int:
    """Score columns to aggregate: the largest indicator count among the period's versions."""
    widest = period.instrument_versions.aggregate(n=Max("indicators__position"))["n"]
    return widest or MAX_INDICATORS


# --------------------------------------------------------------------------- SQL
def _pivot(width: int) -> str:
    """Counts, moments and the three sets of indicator sums (official, without flagged, ticket only) of the
    grouped rows of a running-totals shaped source (status, flagged, ticketed, n, ..., s_i, c_i)."""
    accepted = f"status = '{ACCEPTED}'"

    def total(expr: str, condition: str) -> str:
        # FILTER rather than SUM(CASE ...): the condition is tested without building a zero for every other row.
        return f"CAST(COALESCE(SUM({expr}) FILTER (WHERE {condition}), 0) AS BIGINT)"

    columns = [total("n", accepted), total("n", f"{accepted} AND flagged"), total("n", f"NOT ({accepted})"),
               total("n", f"{accepted} AND ticketed"), "MAX(last_response_id)", total("t_sum", accepted),
               total("t_squares", accepted)]
    for condition in (accepted, f"{accepted} AND NOT flagged", f"{accepted} AND ticketed"):
        columns += [total(f"s_{i}", condition) for i in range(1, width + 1)]
        columns += [total(f"c_{i}", condition) for i in range(1, width + 1)]
    return ", ".join(columns)


def _grouped_scoresheets(width: int) -> str:
    """responses_scoresheet grouped like reporting_scoretotal (for SQLite, and to check the running totals)."""
    t = "(" + " + ".join(f"COALESCE(score_{i}, 0)" for i in range(1, MAX_INDICATORS + 1)) + ")"
    keys = "period_id, unit_id, version_id, service_id, status, flagged, ticketed"
    scores = ", ".join(f"SUM(score_{i}) AS s_{i}, COUNT(score_{i}) AS c_{i}" for i in range(1, width + 1))
    return (f"(SELECT {keys}, COUNT(*) AS n, MAX(response_id) AS last_response_id, SUM({t}) AS t_sum, "  # noqa: S608
            f"SUM({t} * {t}) AS t_squares, {scores} FROM {with_ticketed('responses_scoresheet')} "
            f"GROUP BY {keys})")


def _totals_of(row, start: int, width: int) -> tuple[Totals, int | None]:
    n_counted, n_flagged, n_rejected, n_ticketed, last_id, t_sum, t_squares = row[start:start + 7]
    at = start + 7
    sums = [row[at + k * width: at + (k + 1) * width] for k in range(6)]
    totals = Totals(width, n_counted, n_flagged, n_rejected, None, t_sum, t_squares, None,
                    list(sums[0]), list(sums[1]), list(sums[2]), list(sums[3]), n_ticketed, list(sums[4]),
                    list(sums[5]))
    return totals, last_id


def aggregate_scoresheets(period: Period, *, unit_id: int | None = None, unit_ids=None,
                          source: str = "auto") -> dict[tuple[int, int, int], Totals]:
    """Totals per (unit, version, service) of the period's scoresheets (of one unit, or of `unit_ids`).

    On PostgreSQL they are read from reporting_scoretotal, kept by triggers equal to a GROUP BY over
    responses_scoresheet; elsewhere, or with source="scoresheets", they come from that GROUP BY itself.
    """
    width = score_width(period)
    if source == "auto":
        source = "totals" if connection.vendor == "postgresql" else "scoresheets"
    table = "reporting_scoretotal" if source == "totals" else _grouped_scoresheets(width)
    where, params = "period_id = %s", [period.pk]
    if unit_id is not None:
        where, params = where + " AND unit_id = %s", [*params, unit_id]
    if unit_ids is not None:
        ids = [int(u) for u in unit_ids] or [0]
        where += f" AND unit_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    sql = (f"SELECT unit_id, version_id, service_id, {_pivot(width)} FROM {table} AS t "  # noqa: S608
           f"WHERE {where} GROUP BY unit_id, version_id, service_id")
    groups: dict[tuple[int, int, int], Totals] = {}
    last_ids: dict[tuple[int, int, int], int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block and source != "totals":
            # JIT-compiling this one-off aggregate costs more (~0.4 s) than it saves.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            key = (row[0], row[1], row[2])
            groups[key], last_id = _totals_of(row, 3, width)
            last_ids[key] = last_id or 0
    _set_last_response_at(groups, last_ids)
    populations = dict(Target.objects.filter(period=period, service_id__in={s for _u, _v, s in groups}).values_list(
        "service_id", "population"))
    for (_unit, _version, service), totals in groups.items():
        totals.population = populations.get(service)
    return groups


def _set_last_response_at(groups: dict, last_ids: dict) -> None:
    # Ids grow with arrival, so the largest id per group is its latest response.
    created = dict(Response.objects.filter(pk__in=set(last_ids.values())).values_list("pk", "created_at"))
    for key, last_id in last_ids.items():
        groups[key].last_response_at = created.get(last_id)


@dataclass
class PeriodSums:
    """A period's totals per service (unit, version, service), unit (unit, version), Kanwil (Kanwil, version)
    and nation (version)."""

    services: dict[tuple[int, int, int], Totals]
    units: dict[tuple[int, int], Totals]
    kanwils: dict[tuple[int, int], Totals]
    nation: dict[int, Totals]
    kanwil_of: dict[int, int]


def aggregate_period(period: Period) -> PeriodSums:
    """Every scope's totals of a period: one GROUPING SETS query on PostgreSQL, sums in Python elsewhere."""
    if connection.vendor != "postgresql":
        return _pooled_in_python(period, aggregate_scoresheets(period))
    width = score_width(period)
    sql = (f"SELECT GROUPING(t.unit_id, t.service_id, u.kanwil_id), t.unit_id, u.kanwil_id, t.version_id, "  # noqa: S608
           f"t.service_id, {_pivot(width)} FROM reporting_scoretotal AS t JOIN surveys_unit AS u ON u.id = t.unit_id "
           f"WHERE t.period_id = %s GROUP BY GROUPING SETS ((t.unit_id, u.kanwil_id, t.version_id, t.service_id), "
           f"(t.unit_id, u.kanwil_id, t.version_id), (u.kanwil_id, t.version_id), (t.version_id))")
    sums = PeriodSums({}, {}, {}, {}, {})
    last_ids: dict[tuple[int, int, int], int] = {}
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # The sort under the grouping sets (~40,000 rows of ~130 columns nationally) fits in memory.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, [period.pk])
        for row in cursor.fetchall():
            level, unit, kanwil, version, service = row[:5]
            totals, last_id = _totals_of(row, 5, width)
            if level == SERVICE:
                sums.services[(unit, version, service)] = totals
                last_ids[(unit, version, service)] = last_id or 0
            elif level == UNIT:
                sums.units[(unit, version)] = totals
                sums.kanwil_of[unit] = kanwil
            elif level == KANWIL:
                sums.kanwils[(kanwil, version)] = totals
            else:
                sums.nation[version] = totals
    _set_last_response_at(sums.services, last_ids)
    _fill_populations_and_times(period, sums)
    return sums


def _fill_populations_and_times(period: Period, sums: PeriodSums) -> None:
    """Populations and latest arrival of the summed scopes, as Totals.add pools them."""
    populations = dict(Target.objects.filter(period=period).values_list("service_id", "population"))
    for (_unit, _version, service), totals in sums.services.items():
        totals.population = populations.get(service)
    unit_pops = unit_populations(period, {unit for unit, _version in sums.units})
    latest: dict[tuple[int, int], datetime] = {}
    for (unit, version, _service), totals in sums.services.items():
        at = totals.last_response_at
        if at is not None and ((unit, version) not in latest or at > latest[(unit, version)]):
            latest[(unit, version)] = at
    pooled: dict[tuple, list] = {}
    for (unit, version), totals in sums.units.items():
        totals.population = unit_pops.get(unit)
        totals.last_response_at = latest.get((unit, version))
        for key in ((sums.kanwil_of[unit], version), version):
            pooled.setdefault(key, []).append(totals)
    for key, parts in pooled.items():
        target = sums.nation[key] if isinstance(key, int) else sums.kanwils[key]
        known = [p.population for p in parts]
        target.population = None if any(p is None for p in known) else sum(known)  # type: ignore[arg-type]
        times = [p.last_response_at for p in parts if p.last_response_at is not None]
        target.last_response_at = max(times, default=None)


def _pooled_in_python(period: Period, services: dict[tuple[int, int, int], Totals]) -> PeriodSums:
    from surveys.models import Unit

    width = score_width(period)
    units: dict[tuple[int, int], Totals] = {}
    for (unit, version, _service), totals in services.items():
        units.setdefault((unit, version), Totals(width)).add(totals)
    populations = unit_populations(period, {unit for unit, _version in units})
    for (unit, _version), totals in units.items():
        totals.population = populations.get(unit)
    kanwil_of = dict(Unit.objects.filter(pk__in={u for u, _v in units}).values_list("pk", "kanwil_id"))
    kanwils: dict[tuple[int, int], Totals] = {}
    nation: dict[int, Totals] = {}
    for (unit, version), totals in units.items():
        kanwils.setdefault((kanwil_of[unit], version), Totals(width)).add(totals)
        nation.setdefault(version, Totals(width)).add(totals)
    return PeriodSums(services, units, kanwils, nation, kanwil_of)


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
