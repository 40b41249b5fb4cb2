"""What one access point asks right now: its unit, the open period, its instrument versions and items."""
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from surveys.models import AccessPoint, ExtraItem, Indicator, InstrumentVersion, Period, UnitService


@dataclass(frozen=True)
class Questionnaire:
    access_point: AccessPoint
    period: Period
    versions: list[InstrumentVersion]  # each with .instrument and a prefetched .indicators
    services: list[UnitService]
    extra_items: list[ExtraItem]


def enabled_access_point(token: str) -> AccessPoint | None:
    """The enabled access point of an active unit behind a QR token; None for unknown or disabled ones."""
    return (
        AccessPoint.objects.select_related("unit", "unit__kanwil")
        .filter(token=token, enabled=True, unit__active=True)
        .first()
    )


def open_period() -> Period | None:
    return Period.objects.open().order_by("-starts_on").first()


def next_period() -> Period | None:
    return Period.objects.filter(status=Period.Status.SCHEDULED).order_by("starts_on").first()


def questionnaire_for(access_point: AccessPoint) -> Questionnaire | None:
    """The form to show at this access point; None when no period is open."""
    period = open_period()
    if period is None:
        return None
    versions = list(
        period.instrument_versions.select_related("instrument")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position")))
        .order_by("instrument__position", "instrument__code")
    )
    unit = access_point.unit
    services = list(UnitService.objects.filter(unit=unit, active=True).order_by("name"))
    extra_items = list(
        ExtraItem.objects.filter(period=period, active=True)
        .filter(Q(unit=unit) | Q(kanwil_id=unit.kanwil_id))
        .order_by("position", "pk")
    )
    return Questionnaire(access_point, period, versions, services, extra_items)
