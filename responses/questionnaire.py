"""What one access point asks right now: its unit, the open period, its instrument versions and items.

The form's definition (versions, indicators, services, extra items) changes rarely and is read on every
request, so each worker process keeps it for FORM_DEFINITION_CACHE_SECONDS. Whether the access point is
enabled and which period is open are read fresh on every request, in one query, so a closed period or a
disabled poster takes effect at once.
"""
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from surveys.models import AccessPoint, ExtraItem, InstrumentVersion, Period, Unit, UnitService

from . import statements

_MAX_ENTRIES = 5000
_cache: dict[tuple[int, int], tuple[float, "Questionnaire"]] = {}


@dataclass(frozen=True)
class Questionnaire:
    access_point: AccessPoint
    period: Period
    versions: list[InstrumentVersion]  # each with .instrument and a prefetched .indicators
    services: list[UnitService]
    extra_items: list[ExtraItem]
    # Built form classes per language (responses.forms.SurveyForm.for_questionnaire) and the lean check's plan.
    form_classes: dict = field(default_factory=dict, repr=False, compare=False)


def _live_access_points():
    return AccessPoint.objects.filter(enabled=True, unit__active=True)


# Runs on every form request (the bench's hot path): one fixed statement instead of an ORM query built and
# compiled each time. Portable SQL, so the embedded SQLite mode runs it too.
_LOOKUP_SQL = """
SELECT ap.id, (SELECT p.id FROM {period} p WHERE p.status = %s ORDER BY p.starts_on DESC LIMIT 1)
FROM {access_point} ap JOIN {unit} u ON u.id = ap.unit_id
WHERE ap.token = %s AND ap.enabled = %s AND u.active = %s
"""


def lookup(token: str) -> tuple[int, int | None] | None:
    """(access point id, open period id or None) for an enabled access point; None when unknown/disabled."""
    sql = _LOOKUP_SQL.format(
        period=Period._meta.db_table, access_point=AccessPoint._meta.db_table, unit=Unit._meta.db_table
    )
    rows = statements.run(sql, [Period.Status.OPEN.value, token, True, True])
    return (rows[0][0], rows[0][1]) if rows else None


def enabled_access_point(token: str) -> AccessPoint | None:
    """The enabled access point of an active unit behind a QR token; None for unknown or disabled ones."""
    return _live_access_points().select_related("unit", "unit__kanwil").filter(token=token).first()


def next_period() -> Period | None:
    return Period.objects.filter(status=Period.Status.SCHEDULED).order_by("starts_on").first()


def _load(access_point_id: int, period_id: int) -> Questionnaire:
    access_point = AccessPoint.objects.select_related("unit", "unit__kanwil").get(pk=access_point_id)
    period = Period.objects.get(pk=period_id)
    versions = period.versions_in_order()
    unit = access_point.unit
    services = list(UnitService.objects.filter(unit=unit, active=True).order_by("name"))
    extra_items = list(
        ExtraItem.objects.filter(period=period, active=True)
        .filter(Q(unit=unit) | Q(kanwil_id=unit.kanwil_id))
        .order_by("position", "pk")
    )
    return Questionnaire(access_point, period, versions, services, extra_items)


def questionnaire_for(access_point_id: int, period_id: int) -> Questionnaire:
    """The form for this access point in this (open) period, from the worker's cache when fresh."""
    key = (access_point_id, period_id)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    questionnaire = _load(access_point_id, period_id)
    ttl = settings.FORM_DEFINITION_CACHE_SECONDS
    if ttl > 0:
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        _cache[key] = (now + ttl, questionnaire)
    return questionnaire


def clear_cache() -> None:
    _cache.clear()


