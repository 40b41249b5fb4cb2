"""Public results (/hasil/): final figures of closed periods per UPT and Kanwil, and the public action items.

Every figure goes through `reporting.publication.publish` (suppression below the minimum count, the small
sample mark, the below-target warning); nothing here decides what may be shown.
"""
from dataclasses import dataclass, field

from reporting.models import Level, Snapshot
from reporting.publication import PublishedFigure, Thresholds, publish, published_unit_average
from reporting.selectors import targets_by_unit
from surveys.models import InstrumentVersion, Kanwil, Period, Unit

from .models import ActionPlan


@dataclass
class PublicPeriod:
    period: Period
    figures: list[PublishedFigure]


@dataclass
class PublicUnitRow:
    """One UPT on a Kanwil's public page: a figure (or None) per instrument version of the period."""

    unit: Unit
    figures: list[PublishedFigure | None] = field(default_factory=list)

    @property
    def below_target(self) -> bool:
        return any(f is not None and f.below_target for f in self.figures)


@dataclass
class PublicUnitTable:
    period: Period
    versions: list[InstrumentVersion]
    rows: list[PublicUnitRow]


def _final_snapshots(**scope):
    return (
        Snapshot.objects.filter(service=None, is_final=True, period__status=Period.Status.CLOSED, **scope)
        .select_related("period", "version__instrument")
        .order_by("-period__starts_on", "version__instrument__position", "-revision")
    )


def _latest_per_figure(snapshots) -> list[Snapshot]:
    """The newest final revision of each (scope, period, instrument): older revisions stay in the history."""
    seen, latest = set(), []
    for snap in snapshots:
        key = (snap.unit_id, snap.kanwil_id, snap.period_id, snap.version.instrument_id)
        if key not in seen:
            seen.add(key)
            latest.append(snap)
    return latest


def _by_period(snapshots: list[Snapshot], limit: int) -> dict[int, list[Snapshot]]:
    periods: dict[int, list[Snapshot]] = {}
    for snap in snapshots:
        if snap.period_id not in periods and len(periods) == limit:
            break
        periods.setdefault(snap.period_id, []).append(snap)
    return periods


def public_unit_results(unit: Unit, *, limit: int = 4) -> list[PublicPeriod]:
    """The last closed periods' final IPAK and IPKP of the unit (never a running figure)."""
    thresholds = Thresholds.from_settings()
    result = []
    for snaps in _by_period(_latest_per_figure(_final_snapshots(level=Level.UNIT, unit=unit)), limit).values():
        period = snaps[0].period
        target = targets_by_unit(period, [unit]).get(unit.pk)
        result.append(PublicPeriod(period, [publish(s, target=target, thresholds=thresholds) for s in snaps]))
    return result


def public_kanwil_results(kanwil: Kanwil, *, limit: int = 4) -> list[PublicPeriod]:
    """The region's pooled final figures per closed period, each with the unweighted mean of the UPTs whose
    own figure is published; the target is the sum of the units' targets."""
    thresholds = Thresholds.from_settings()
    result = []
    pooled = _latest_per_figure(_final_snapshots(level=Level.KANWIL, kanwil=kanwil))
    for snaps in _by_period(pooled, limit).values():
        period = snaps[0].period
        target = sum(targets_by_unit(period, kanwil.units.all()).values())
        units = _latest_per_figure(_final_snapshots(level=Level.UNIT, unit__kanwil=kanwil, period=period))
        figures = []
        for snap in snaps:
            mine = [u for u in units if u.version.instrument_id == snap.version.instrument_id]
            average = published_unit_average(mine, thresholds=thresholds)
            figures.append(publish(snap, target=target, unit_average=average, thresholds=thresholds))
        result.append(PublicPeriod(period, figures))
    return result


def latest_public_period(kanwil: Kanwil) -> Period | None:
    """The region's most recent closed period with a final UPT figure."""
    return Period.objects.filter(
        status=Period.Status.CLOSED, snapshots__is_final=True, snapshots__level=Level.UNIT,
        snapshots__unit__kanwil=kanwil,
    ).order_by("-starts_on").first()


def public_unit_table(kanwil: Kanwil, period: Period) -> PublicUnitTable:
    """Each active unit of the region with its final figure per instrument version for one closed period."""
    thresholds = Thresholds.from_settings()
    versions = period.versions_in_order()
    units = list(kanwil.units.active().order_by("name"))
    targets = targets_by_unit(period, units)
    snaps = {(s.unit_id, s.version.instrument_id): s
             for s in _latest_per_figure(_final_snapshots(level=Level.UNIT, unit__in=units, period=period))}
    rows = []
    for unit in units:
        figures = []
        for version in versions:
            snap = snaps.get((unit.pk, version.instrument_id))
            figures.append(publish(snap, target=targets.get(unit.pk), thresholds=thresholds) if snap else None)
        rows.append(PublicUnitRow(unit, figures))
    return PublicUnitTable(period, versions, rows)


def public_action_items(units, *, limit: int = 50):
    return (
        ActionPlan.objects.public()
        .filter(unit__in=units)
        .select_related("unit", "period", "version__instrument")
        .order_by("-period__starts_on", "unit__name", "indicator_code", "pk")[:limit]
    )
