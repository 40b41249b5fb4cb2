"""Integer sums of a period's scoresheets per scope, read from the database in one set-based query.

On PostgreSQL one query pivots reporting_scoretotal (the running totals kept by triggers in
reporting/totals_sql.py) into one row per (unit, version, service): status, flagged and ticketed become
columns, so Python receives the sums it stores, never a response row; numpy then adds the services up into
UPTs, Kanwil and nation (`SumsTable`). Elsewhere (SQLite) the same pivot runs over a GROUP BY of
responses_scoresheet and the unit and pooled sums are added up in Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np
from django.db import connection
from django.db.models import Max

from responses.models import Response
from surveys.models import MAX_INDICATORS, InstrumentVersion, Period, Target

from .figures import Layout
from .indices import Band, Scale
from .totals_sql import with_ticketed

ACCEPTED = Response.Status.ACCEPTED.value
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def instant(microseconds: int | None) -> datetime | None:
    """A timestamp read as microseconds since the epoch (None, or -1 in a bigint column, for none)."""
    return None if microseconds is None or microseconds < 0 else EPOCH + timedelta(microseconds=microseconds)
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
    return ", ".join(_pivot_columns(width))


def _pivot_columns(width: int) -> list[str]:
    """Counts, moments and the three sets of indicator sums (official, without flagged, ticket only) of the
    grouped rows of a running-totals shaped source (status, flagged, ticketed, n, ..., s_i, c_i)."""
    accepted = f"status = '{ACCEPTED}'"

    def total(expr: str, condition: str) -> str:
        # FILTER rather than SUM(CASE ...): the condition is tested without building a zero for every other row.
        # Counts and score sums are summed as integer (an int8 accumulator; a bigint input would be summed in
        # numeric, three times slower): a group would need 200 million responses to overflow it, and an
        # overflow is an error, never a wrong sum. Σt and Σt² stay bigint.
        if expr not in ("t_sum", "t_squares"):
            return f"COALESCE(SUM(CAST({expr} AS INTEGER)) FILTER (WHERE {condition}), 0)"
        return f"CAST(COALESCE(SUM({expr}) FILTER (WHERE {condition}), 0) AS BIGINT)"

    columns = [total("n", accepted), total("n", f"{accepted} AND flagged"), total("n", f"NOT ({accepted})"),
               total("n", f"{accepted} AND ticketed"), "MAX(last_response_id)", total("t_sum", accepted),
               total("t_squares", accepted)]
    for condition in (accepted, f"{accepted} AND NOT flagged", f"{accepted} AND ticketed"):
        columns += [total(f"s_{i}", condition) for i in range(1, width + 1)]
        columns += [total(f"c_{i}", condition) for i in range(1, width + 1)]
    return columns


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


# A scope of a SumsTable: (level, unit, Kanwil, version, service), as reporting.snapshots keys its rows.
ScopeKey = tuple[str, int | None, int | None, int, int | None]


@dataclass
class SumsTable:
    """A period's sums as one int64 matrix, a row per scope (the layout of `_totals_of`: 7 counts and
    moments, then the six blocks of `width` indicator sums), for reporting.figures_bulk. Scopes are services
    (service set), UPTs, Kanwil (level "kanwil") and the nation."""

    width: int
    keys: list[ScopeKey]
    matrix: np.ndarray
    last_at: list
    populations: list
    kanwil_of: dict[int, int]

    def totals(self, row: int) -> Totals:
        """One scope's sums as Totals (for the scalar reference)."""
        totals, _last_id = _totals_of(self.matrix[row].tolist(), 0, self.width)
        totals.last_response_at, totals.population = self.last_at[row], self.populations[row]
        return totals

    @classmethod
    def of(cls, sums: PeriodSums, width: int) -> SumsTable:
        """The table of totals summed elsewhere (SQLite, one unit's recompute)."""
        keys: list[ScopeKey] = []
        parts: list[Totals] = []
        for (unit, version, service), totals in sums.services.items():
            keys.append(("unit", unit, None, version, service))
            parts.append(totals)
        for (unit, version), totals in sums.units.items():
            keys.append(("unit", unit, None, version, None))
            parts.append(totals)
        for (kanwil, version), totals in sums.kanwils.items():
            keys.append(("kanwil", None, kanwil, version, None))
            parts.append(totals)
        for version, totals in sums.nation.items():
            keys.append(("nation", None, None, version, None))
            parts.append(totals)
        rows = [[t.n_counted, t.n_flagged, t.n_rejected, t.n_ticketed, 0, t.score_total, t.score_squares,
                 *(value for name in SUM_LISTS for value in getattr(t, name)[:width])] for t in parts]
        matrix = np.array(rows, dtype=np.int64).reshape(len(rows), 7 + 6 * width)
        return cls(width, keys, matrix, [t.last_response_at for t in parts], [t.population for t in parts],
                   dict(sums.kanwil_of))


def aggregate_period(period: Period) -> SumsTable:
    """Every scope's sums of a period: one query on PostgreSQL, sums in Python elsewhere.

    The running totals are pivoted once per (unit, version, service) by the database, with each service's
    latest arrival and the service and unit populations; numpy sums the services into UPTs, Kanwil and nation
    (a GROUPING SETS query did the same in twice the time) and Python pools the populations of Kanwil and
    nation (known only when every unit's is)."""
    width = score_width(period)
    if connection.vendor != "postgresql":
        return SumsTable.of(_pooled_in_python(period, aggregate_scoresheets(period)), width)
    pivoted = _pivot_columns(width)
    names = [f"v{k}" for k in range(len(pivoted))]
    last = names[4]  # MAX(last_response_id): a maximum, not a sum, and read through the response's arrival
    # Every column as a non-null bigint (-1 for "none"), so the rows come back as one binary COPY that numpy
    # reads as it is: converting 8,500 rows of 62 values one by one cost more than the query.
    values = ", ".join(f"COALESCE(CAST({expr} AS BIGINT), -1)" for expr in (
        "s.unit_id", "u.kanwil_id", "s.version_id", "s.service_id", *(f"s.{name}" for name in names),
        "EXTRACT(EPOCH FROM r.created_at) * 1000000", "tg.population", "up.population"))
    period_id = int(period.pk)
    sql = f"""
        WITH s AS (
            SELECT t.unit_id, t.version_id, t.service_id,
                   {", ".join(f"{expr} AS {name}" for expr, name in zip(pivoted, names, strict=True))}
            FROM reporting_scoretotal AS t
            WHERE t.period_id = {period_id} GROUP BY t.unit_id, t.version_id, t.service_id
        ), unit_pop AS (
            SELECT us.unit_id, CASE WHEN bool_or(us.active) AND bool_and(NOT us.active OR tg.population IS NOT NULL)
                                    THEN SUM(tg.population) END AS population
            FROM surveys_unitservice AS us
            LEFT JOIN surveys_target AS tg ON tg.service_id = us.id AND tg.period_id = {period_id}
            GROUP BY us.unit_id
        )
        SELECT {values}
        FROM s JOIN surveys_unit AS u ON u.id = s.unit_id
        LEFT JOIN responses_response AS r ON r.id = s.{last}
        LEFT JOIN surveys_target AS tg ON tg.period_id = {period_id} AND tg.service_id = s.service_id
        LEFT JOIN unit_pop AS up ON up.unit_id = s.unit_id"""  # noqa: S608 - names and an int, no input
    table = _pooled_in_numpy(_bigint_rows(sql, 4 + len(names) + 3), width, len(names))
    _pool_populations(table)
    return table


COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def _bigint_rows(sql: str, columns: int) -> np.ndarray:
    """The rows of `sql` (every column a non-null bigint) as an int64 matrix, read from one binary COPY: each
    row is a 16-bit field count, then per field a 32-bit length (8) and the big-endian value
    (PostgreSQL's documented COPY BINARY format)."""
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)") as copy:
        data = b"".join(copy)
    if data[:11] != COPY_SIGNATURE or data[-2:] != b"\xff\xff":
        raise ValueError("not a binary COPY stream")
    start = 19 + int.from_bytes(data[15:19], "big")  # signature, flags, header extension length and extension
    body = data[start:-2]
    record = 2 + 12 * columns
    if len(body) % record:
        raise ValueError("binary COPY rows of an unexpected size")

    def fields(kind: str, at: int) -> np.dtype:
        return np.dtype({"names": [f"f{k}" for k in range(columns)], "formats": [kind] * columns,
                         "offsets": [2 + 12 * k + at for k in range(columns)], "itemsize": record})

    counts = np.frombuffer(body, dtype=np.dtype({"names": ["n"], "formats": [">i2"], "offsets": [0],
                                                  "itemsize": record}))["n"]
    lengths = np.frombuffer(body, dtype=fields(">i4", 0))
    if (counts != columns).any() or any((lengths[name] != 8).any() for name in lengths.dtype.names):
        raise ValueError("binary COPY rows with other than bigint fields")
    values = np.frombuffer(body, dtype=fields(">i8", 4))
    return np.stack([values[name] for name in values.dtype.names], axis=1).astype(np.int64).reshape(-1, columns)


def _pooled_in_numpy(rows: np.ndarray, width: int, columns: int) -> SumsTable:
    """The service rows of aggregate_period (unit, Kanwil, version, service, sums..., arrival in µs, service
    and unit population; -1 for none) with their UPT, Kanwil and national sums added: rows sorted by version,
    Kanwil and UPT, then summed over each run of equal keys (np.add.reduceat)."""
    count = len(rows)
    ids = rows[:, :4]
    services = rows[:, 4:4 + columns].copy()
    services[:, 4] = 0  # the latest response's id: read as its arrival below, never summed
    arrival = rows[:, 4 + columns]
    service_population = [None if p < 0 else p for p in rows[:, 5 + columns].tolist()]
    unit_population = [None if p < 0 else p for p in rows[:, 6 + columns].tolist()]
    # Σt² of a scope would need 10¹⁴ responses to leave int64; the check costs one float sum.
    if count and float(services[:, 6].astype(np.float64).sum()) >= 2.0**62:
        raise OverflowError("score squares beyond int64")
    order = np.lexsort((ids[:, 0], ids[:, 1], ids[:, 2]))  # by version, then Kanwil, then UPT
    unit, kanwil, version = ids[order, 0], ids[order, 1], ids[order, 2]  # sorted
    sorted_sums, sorted_arrival = services[order], arrival[order]

    def runs(*keys: np.ndarray) -> np.ndarray:
        change = np.zeros(count, dtype=bool)
        if count:
            change[0] = True
            for key in keys:
                change[1:] |= key[1:] != key[:-1]
        return np.flatnonzero(change)

    listed = ids.tolist()
    keys: list[ScopeKey] = [("unit", u, None, v, s) for u, _k, v, s in listed]
    parts, arrivals = [services], [arrival]
    populations = service_population
    sorted_rows = order.tolist()
    for level, starts in (("unit", runs(version, unit)), ("kanwil", runs(version, kanwil)), ("nation", runs(version))):
        if not len(starts):
            continue
        parts.append(np.add.reduceat(sorted_sums, starts, axis=0))
        arrivals.append(np.maximum.reduceat(sorted_arrival, starts))
        for start in starts.tolist():
            first = sorted_rows[start]
            u, k, v, _s = listed[first]
            keys.append(("unit", u, None, v, None) if level == "unit" else
                        ("kanwil", None, k, v, None) if level == "kanwil" else ("nation", None, None, v, None))
            populations.append(unit_population[first] if level == "unit" else None)
    matrix = np.vstack(parts) if count else np.zeros((0, columns), dtype=np.int64)
    # Arrivals as microseconds since the epoch: a tenth of the cost of parsing 10,000 timestamps.
    last_at = [instant(us) for us in np.concatenate(arrivals).tolist()]
    kanwil_of = {u: k for u, k, _v, _s in listed}
    return SumsTable(width, keys, matrix, last_at, populations, kanwil_of)


def _pool_populations(table: SumsTable) -> None:
    """A Kanwil's or the nation's population: the sum of its units', known only when every unit's is."""
    pooled: dict[tuple, list[int | None]] = {}
    for (level, unit, _kanwil, version, service), population in zip(table.keys, table.populations, strict=True):
        if level == "unit" and service is None:
            pooled.setdefault((table.kanwil_of[unit], version), []).append(population)
            pooled.setdefault((None, version), []).append(population)
    for row, (level, _unit, kanwil, version, _service) in enumerate(table.keys):
        if level != "unit":
            known = pooled.get((kanwil, version), [])
            table.populations[row] = None if None in known or not known else sum(known)  # type: ignore[arg-type]


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
