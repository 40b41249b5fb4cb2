"""Public results (/hasil/): final figures of closed periods per UPT and Kanwil, and the public action items."""
from dataclasses import dataclass
from decimal import Decimal

from reporting.models import Level, Snapshot
from reporting.selectors import band_label
from surveys.models import Instrument, Kanwil, Period, Unit, localized

from .models import ActionPlan


@dataclass
class PublicFigure:
    instrument: Instrument
    index_name: str
    nrr: Decimal | None
    ik: Decimal | None
    category: str
    category_label: str
    n: int


@dataclass
class PublicPeriod:
    period: Period
    figures: list[PublicFigure]


def _final_snapshots(**scope):
    return (
        Snapshot.objects.filter(service=None, is_final=True, period__status=Period.Status.CLOSED, **scope)
        .select_related("period", "version__instrument")
        .order_by("-period__starts_on", "version__instrument__position", "-revision")
    )


def _by_period(snapshots, limit: int) -> list[PublicPeriod]:
    result: dict[int, PublicPeriod] = {}
    seen = set()
    for snap in snapshots:
        key = (snap.period_id, snap.version.instrument_id)
        if key in seen:  # an older final revision of the same figure
            continue
        seen.add(key)
        if snap.period_id not in result:
            if len(result) == limit:
                break
            result[snap.period_id] = PublicPeriod(snap.period, [])
        result[snap.period_id].figures.append(
            PublicFigure(
                instrument=snap.version.instrument,
                index_name=localized(snap.version.instrument, "index_name"),
                nrr=snap.nrr,
                ik=snap.ik,
                category=snap.category,
                category_label=band_label(snap.version, snap.category),
                n=snap.n_counted,
            )
        )
    return list(result.values())


def public_unit_results(unit: Unit, *, limit: int = 4) -> list[PublicPeriod]:
    """The last closed periods' final IPAK and IPKP of the unit (never a running figure)."""
    return _by_period(_final_snapshots(level=Level.UNIT, unit=unit), limit)


def public_kanwil_results(kanwil: Kanwil, *, limit: int = 4) -> list[PublicPeriod]:
    return _by_period(_final_snapshots(level=Level.KANWIL, kanwil=kanwil), limit)


def public_unit_table(kanwil: Kanwil, period: Period) -> list[tuple[Unit, list[PublicFigure]]]:
    """Each active unit of the region with its final figures for one closed period."""
    snaps = list(_final_snapshots(level=Level.UNIT, unit__kanwil=kanwil, period=period))
    rows = []
    for unit in kanwil.units.active().order_by("name"):
        figures = _by_period([s for s in snaps if s.unit_id == unit.pk], 1)
        rows.append((unit, figures[0].figures if figures else []))
    return rows


def public_action_items(units, *, limit: int = 50):
    return (
        ActionPlan.objects.public()
        .filter(unit__in=units)
        .select_related("unit", "period", "version__instrument")
        .order_by("-period__starts_on", "unit__name", "indicator_code", "pk")[:limit]
    )
