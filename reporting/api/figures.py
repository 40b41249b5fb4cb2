"""The rows of the open data: one per figure (IPAK or IPKP of one UPT, Kanwil or the nation in one period).

Every figure goes through `reporting.publication.publish`, the rule of the public results pages, with the same
target (the scope's sum of unit targets) and the same unweighted mean of published UPTs, so an API client, a
CSV reader and a visitor of /hasil/ read the same numbers. Nothing here reads a response, let alone free text.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from reporting.models import Level, Snapshot
from reporting.publication import PublishedFigure, Thresholds, publish, published_unit_average
from reporting.selectors import targets_by_unit
from surveys.models import InstrumentVersion, Kanwil, Period, Unit

LEVEL_ORDER = {Level.NATION: 0, Level.KANWIL: 1, Level.UNIT: 2}


@dataclass(frozen=True)
class Filters:
    period_id: int | None = None
    kanwil_code: str = ""
    unit_kind: str = ""
    level: str = ""


def _text(value) -> str | None:
    return None if value is None else str(value)


def _participation(n_counted: int, target: int | None) -> str | None:
    if not target:
        return None
    return str((Decimal(n_counted) * 100 / Decimal(target)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _row(snap: Snapshot, figure: PublishedFigure, *, final: bool) -> dict:
    shown = figure.published
    unit, kanwil = snap.unit, snap.kanwil or (snap.unit.kanwil if snap.unit else None)
    margin = snap.ik_margin_95  # the 95 % margin of the IK (reporting.uncertainty)
    return {
        "period_id": snap.period_id, "period_name": snap.period.name, "period_status": snap.period.status,
        "level": snap.level,
        "kanwil_code": kanwil.code if kanwil else None, "kanwil_name": kanwil.name if kanwil else None,
        "unit_code": unit.code if unit else None, "unit_name": unit.name if unit else None,
        "unit_kind": unit.kind if unit else None,
        "instrument": figure.instrument_code, "index": figure.index_code, "index_name": figure.index_name,
        "version": figure.version_number, "scale_min": figure.scale_min, "scale_max": figure.scale_max,
        "final": final, "state": str(figure.state),
        "nrr": _text(figure.nrr), "ik": _text(figure.ik), "category": figure.category or None,
        "margin_of_error": _text(margin) if shown else None,
        "indicators": [{"code": row["code"], "nrr": (row.get("nrr") if shown else None)}
                       for row in snap.indicators],
        "n_counted": figure.n_counted, "n_flagged": figure.n_flagged, "n_rejected": figure.n_rejected,
        "target": figure.target, "below_target": figure.below_target,
        "participation_percent": _participation(figure.n_counted, figure.target),
        "unit_average_nrr": _text(figure.unit_average_nrr), "unit_average_ik": _text(figure.unit_average_ik),
        "unit_average_units": figure.unit_average_units,
        "revision": figure.revision, "computed_at": figure.computed_at,
    }


def _latest(snapshots) -> list[Snapshot]:
    """The newest revision of each (scope, period, instrument), as the public pages take it."""
    seen, latest = set(), []
    for snap in snapshots:
        key = (snap.level, snap.unit_id, snap.kanwil_id, snap.period_id, snap.version.instrument_id)
        if key not in seen:
            seen.add(key)
            latest.append(snap)
    return latest


def _with_scopes(snapshots: QuerySet) -> list[Snapshot]:
    """The snapshots with their period, version (and instrument), UPT and Kanwil attached from one query per
    table: a national list holds ~1,800 snapshots over a few periods, two versions and 850 UPTs, and joining
    them per row built six model instances a row (and decoded each version's bands 1,800 times)."""
    snaps = list(snapshots.order_by("period_id", "version__instrument__position", "-revision"))
    periods = Period.objects.in_bulk({s.period_id for s in snaps})
    versions = InstrumentVersion.objects.select_related("instrument").in_bulk({s.version_id for s in snaps})
    kanwils = Kanwil.objects.in_bulk()
    units = Unit.objects.in_bulk({s.unit_id for s in snaps if s.unit_id})
    for unit in units.values():
        unit.kanwil = kanwils[unit.kanwil_id]
    for snap in snaps:
        snap.period, snap.version = periods[snap.period_id], versions[snap.version_id]
        snap.unit = units[snap.unit_id] if snap.unit_id else None
        snap.kanwil = kanwils[snap.kanwil_id] if snap.kanwil_id else None
    return snaps


def _rows(snapshots: QuerySet, filters: Filters, *, final: bool) -> list[dict]:
    thresholds = Thresholds.from_settings()
    snaps = _latest(_with_scopes(snapshots))
    unit_kanwil = dict(Unit.objects.values_list("pk", "kanwil_id"))
    targets: dict[int, dict[int, int]] = {}
    units_of: dict[tuple, list[Snapshot]] = defaultdict(list)  # (period, instrument, kanwil or None) -> unit snaps
    for snap in snaps:
        if snap.level == Level.UNIT:
            units_of[(snap.period_id, snap.version.instrument_id, unit_kanwil.get(snap.unit_id))].append(snap)
            units_of[(snap.period_id, snap.version.instrument_id, None)].append(snap)
    rows = []
    for snap in snaps:
        if not _wanted(snap, filters):
            continue
        if snap.period_id not in targets:
            targets[snap.period_id] = targets_by_unit(snap.period, Unit.objects.all())
        by_unit = targets[snap.period_id]
        average = None
        if snap.level == Level.UNIT:
            target = by_unit.get(snap.unit_id)
        else:
            kanwil_id = snap.kanwil_id if snap.level == Level.KANWIL else None
            target = sum(t for u, t in by_unit.items() if kanwil_id is None or unit_kanwil.get(u) == kanwil_id)
            average = published_unit_average(units_of[(snap.period_id, snap.version.instrument_id, kanwil_id)],
                                             thresholds=thresholds)
        figure = publish(snap, target=target, unit_average=average, thresholds=thresholds)
        rows.append(_row(snap, figure, final=final))
    starts = {s.period_id: s.period.starts_on.toordinal() for s in snaps}
    rows.sort(key=lambda r: (-starts[r["period_id"]], r["period_id"], LEVEL_ORDER[Level(r["level"])],
                             r["kanwil_code"] or "", r["unit_code"] or ""))
    return rows


def _wanted(snap: Snapshot, filters: Filters) -> bool:
    if filters.level and snap.level != filters.level:
        return False
    if filters.unit_kind and (snap.level != Level.UNIT or snap.unit.kind != filters.unit_kind):
        return False
    if filters.kanwil_code:
        if snap.level == Level.NATION:
            return False
        kanwil = snap.kanwil if snap.level == Level.KANWIL else snap.unit.kanwil
        if kanwil.code != filters.kanwil_code:
            return False
    return True


def published_rows(filters: Filters = Filters()) -> list[dict]:
    """Final figures of closed periods (service totals only), newest period first: nation, Kanwil, UPT."""
    snapshots = Snapshot.objects.filter(service=None, is_final=True, period__status=Period.Status.CLOSED)
    if filters.period_id:
        snapshots = snapshots.filter(period_id=filters.period_id)
    return _rows(snapshots, filters, final=True)


def running_rows(principal, filters: Filters = Filters()) -> list[dict]:
    """The open period's current figures within the principal's scope (a token's), under the same rule."""
    period = Period.objects.open().order_by("-starts_on").first()
    if period is None or (filters.period_id and filters.period_id != period.pk):
        return []
    snapshots = Snapshot.objects.visible_to(principal).filter(service=None, is_current=True, period=period)
    return _rows(snapshots, filters, final=False)


def last_modified(rows: list[dict]) -> datetime | None:
    return max((r["computed_at"] for r in rows), default=None)
