"""Writes on instruments, periods, targets, service types and access points (called by views and commands)."""
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .audit import audited
from .instrument_format import FieldProblem, InstrumentFormatError, validate_document
from .models import (
    AccessPoint,
    Indicator,
    Instrument,
    InstrumentVersion,
    Period,
    Target,
    Unit,
    UnitService,
    membership_of,
    sees_everything,
)


class ServiceError(Exception):
    """A refused write, with a message fit to show the user."""


# --------------------------------------------------------------------------- instruments
@audited
@transaction.atomic
def import_instrument(*, doc: dict, acting_user) -> InstrumentVersion:
    """Creates the document's version (and its instrument when new). Raises InstrumentFormatError."""
    validate_document(doc)
    instrument, _created = Instrument.objects.get_or_create(
        code=doc["code"],
        defaults={
            "name": doc["name"],
            "name_en": doc.get("name_en", ""),
            "index_code": doc["index_code"],
            "index_name": doc["index_name"],
            "index_name_en": doc.get("index_name_en", ""),
            "position": doc.get("position", 0),
        },
    )
    v = doc["version"]
    if instrument.versions.filter(number=v["number"]).exists():
        raise InstrumentFormatError([FieldProblem(
            "version.number",
            _("versi %(number)d instrumen %(code)s sudah ada; beri nomor versi baru")
            % {"number": v["number"], "code": instrument.code},
        )])
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=v["number"],
        status=v.get("status", InstrumentVersion.Status.DRAFT),
        scale_min=v["scale"]["min"],
        scale_max=v["scale"]["max"],
        scale_labels=v["scale"]["labels"],
        bands=v["bands"],
        min_seconds_per_item=v.get("min_seconds_per_item", "2.00"),
    )
    Indicator.objects.bulk_create(
        Indicator(version=version, position=position, code=item["code"], statement=item["statement"],
                  statement_en=item.get("statement_en", ""), help_text=item.get("help_text", ""),
                  help_text_en=item.get("help_text_en", ""))
        for position, item in enumerate(v["indicators"], start=1)
    )
    return version


@audited
@transaction.atomic
def copy_as_draft(*, version: InstrumentVersion, acting_user) -> InstrumentVersion:
    """A new draft version with the same indicators, scale and bands: how a frozen version is "edited"."""
    instrument = Instrument.objects.select_for_update().get(pk=version.instrument_id)
    number = (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = InstrumentVersion.objects.create(
        instrument=instrument,
        number=number,
        status=InstrumentVersion.Status.DRAFT,
        scale_min=version.scale_min,
        scale_max=version.scale_max,
        scale_labels=version.scale_labels,
        bands=version.bands,
        min_seconds_per_item=version.min_seconds_per_item,
    )
    Indicator.objects.bulk_create(
        Indicator(version=draft, position=i.position, code=i.code, statement=i.statement,
                  statement_en=i.statement_en, help_text=i.help_text, help_text_en=i.help_text_en)
        for i in version.indicators.order_by("position")
    )
    return draft


@audited
@transaction.atomic
def replace_indicators(*, version: InstrumentVersion, indicators: list[dict], acting_user) -> None:
    """Sets a draft's indicators, in order. Frozen or non-draft versions are refused (copy them first)."""
    version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    if not version.editable:
        raise ServiceError(_("Versi ini tidak dapat diubah lagi; buat draf baru."))
    if not indicators:
        raise ServiceError(_("Sebuah versi memerlukan paling sedikit satu indikator."))
    version.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(version=version, position=position, **item) for position, item in enumerate(indicators, start=1)
    )


VERSION_TRANSITIONS = {
    InstrumentVersion.Status.DRAFT: {InstrumentVersion.Status.PUBLISHED},
    InstrumentVersion.Status.PUBLISHED: {InstrumentVersion.Status.RETIRED},
    InstrumentVersion.Status.RETIRED: {InstrumentVersion.Status.PUBLISHED},
}


@audited
@transaction.atomic
def set_version_status(*, version: InstrumentVersion, status: str, acting_user) -> InstrumentVersion:
    version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    if status not in VERSION_TRANSITIONS.get(version.status, set()):
        raise ServiceError(_("Status versi tidak dapat diubah dari %(old)s ke %(new)s.")
                           % {"old": version.get_status_display(), "new": InstrumentVersion.Status(status).label})
    if status == InstrumentVersion.Status.PUBLISHED and not version.indicators.exists():
        raise ServiceError(_("Versi tanpa indikator tidak dapat diterbitkan."))
    if status == InstrumentVersion.Status.RETIRED and version.periods.filter(status=Period.Status.OPEN).exists():
        raise ServiceError(_("Versi ini dipakai periode yang sedang dibuka; tutup periodenya dahulu."))
    version.status = status
    version.save(update_fields=["status"])
    return version


# --------------------------------------------------------------------------- periods
def can_manage_periods(user) -> bool:
    """Pusat always; Kanwil staff when settings.PERIOD_MANAGERS includes "kanwil"."""
    if sees_everything(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role in getattr(settings, "PERIOD_MANAGERS", ["pusat"])


@audited
@transaction.atomic
def create_period(*, programme: str, name: str, kind: str, starts_on, ends_on,
                  versions: list[InstrumentVersion], acting_user) -> Period:
    if ends_on < starts_on:
        raise ServiceError(_("Tanggal tutup tidak boleh sebelum tanggal buka."))
    unpublished = [str(v) for v in versions if v.status != InstrumentVersion.Status.PUBLISHED]
    if unpublished:
        raise ServiceError(_("Hanya versi yang terbit yang dapat dipakai: %(v)s.") % {"v": ", ".join(unpublished)})
    period = Period.objects.create(programme=programme, name=name, kind=kind, starts_on=starts_on, ends_on=ends_on)
    period.instrument_versions.set(versions)
    return period


@audited
def open_period(*, period: Period, acting_user, now: datetime | None = None) -> Period:
    """Opens a scheduled period and carries last period's populations to services that have none yet."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            period = Period.objects.select_for_update().get(pk=period.pk)
            if period.status != Period.Status.SCHEDULED:
                raise ServiceError(_("Hanya periode terjadwal yang dapat dibuka (status sekarang: %(s)s).")
                                   % {"s": period.get_status_display()})
            other = Period.objects.open().filter(programme=period.programme).first()
            if other is not None:
                raise ServiceError(_("Periode %(other)s masih dibuka; tutup dahulu sebelum membuka %(period)s.")
                                   % {"other": other.name, "period": period.name})
            if not period.instrument_versions.exists():
                raise ServiceError(_("Periode belum memiliki versi instrumen."))
            period.status = Period.Status.OPEN
            period.opened_at = now
            period.save(update_fields=["status", "opened_at"])
            carry_targets(period=period, acting_user=acting_user)
    except IntegrityError:  # another request opened a period of the programme at the same moment
        raise ServiceError(_("Periode lain dari program ini baru saja dibuka.")) from None
    return period


@audited
@transaction.atomic
def close_period(*, period: Period, acting_user, now: datetime | None = None) -> Period:
    """Closes an open period: no more responses are accepted, and after commit PERIOD_CLOSED_HOOK freezes
    the final snapshots and publishes them, in the same request or task."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status != Period.Status.OPEN:
        raise ServiceError(_("Hanya periode yang dibuka yang dapat ditutup (status sekarang: %(s)s).")
                           % {"s": period.get_status_display()})
    period.status = Period.Status.CLOSED
    period.closed_at = now or timezone.now()
    period.save(update_fields=["status", "closed_at"])
    if hook := getattr(settings, "PERIOD_CLOSED_HOOK", ""):
        # surveys may not import reporting: the final snapshot is reached through a dotted path, after commit.
        transaction.on_commit(partial(import_string(hook), period_id=period.pk))
    return period


@audited
def reopen_period(*, period: Period, reason: str, acting_user, now: datetime | None = None) -> Period:
    """Pusat reopens a period closed fewer than PERIOD_REOPEN_DAYS days ago, giving a reason (kept on the
    period and in the audit trail). It then closes by hand only; that close freezes a new final revision."""
    now = now or timezone.now()
    reason = reason.strip()
    if not sees_everything(acting_user):
        raise ServiceError(_("Hanya Pusat yang dapat membuka kembali periode."))
    if not reason:
        raise ServiceError(_("Tuliskan alasan membuka kembali periode."))
    try:
        with transaction.atomic():
            period = Period.objects.select_for_update().get(pk=period.pk)
            until = period.reopenable_until()
            if until is None or now >= until:
                raise ServiceError(_("Periode %(p)s tidak dapat dibuka kembali: hanya periode yang ditutup kurang "
                                     "dari %(days)d hari lalu.") % {"p": period.name,
                                                                    "days": settings.PERIOD_REOPEN_DAYS})
            other = Period.objects.open().filter(programme=period.programme).first()
            if other is not None:
                raise ServiceError(_("Periode %(other)s masih dibuka; tutup dahulu sebelum membuka %(period)s.")
                                   % {"other": other.name, "period": period.name})
            period.status = Period.Status.OPEN
            period.reopened_at = now
            period.reopen_reason = reason
            period.save(update_fields=["status", "reopened_at", "reopen_reason"])
    except IntegrityError:  # another request opened a period of the programme at the same moment
        raise ServiceError(_("Periode lain dari program ini baru saja dibuka.")) from None
    return period


@audited
def advance_periods(*, acting_user, now: datetime | None = None) -> dict[str, list[str]]:
    """Opens and closes periods by their dates (the scheduled job; safe to run any number of times): closes
    open periods whose closing date has passed, then opens scheduled periods whose dates include today.
    Reopened periods are left to close by hand. Returns the names of the periods closed and opened."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    done: dict[str, list[str]] = {"closed": [], "opened": []}
    for period in Period.objects.due_to_close(today).order_by("starts_on"):
        try:
            close_period(period=period, acting_user=acting_user, now=now)
        except ServiceError:  # closed meanwhile by someone else
            continue
        done["closed"].append(period.name)
    for period in Period.objects.due_to_open(today).order_by("starts_on"):
        try:
            open_period(period=period, acting_user=acting_user, now=now)
        except ServiceError:  # another period of the programme is open (e.g. reopened), or no versions yet
            continue
        done["opened"].append(period.name)
    return done


# --------------------------------------------------------------------------- targets
def previous_period(period: Period) -> Period | None:
    return (Period.objects.filter(programme=period.programme, starts_on__lt=period.starts_on)
            .order_by("-starts_on").first())


@audited
@transaction.atomic
def carry_targets(*, period: Period, unit: Unit | None = None, acting_user) -> int:
    """Copies the previous period's population to every active service without a target; returns how many."""
    previous = previous_period(period)
    if previous is None:
        return 0
    services = UnitService.objects.active().exclude(targets__period=period)
    if unit is not None:
        services = services.filter(unit=unit)
    earlier = list(Target.objects.filter(period=previous, service__in=services)
                   .values_list("service_id", "service__unit_id", "population"))
    Target.objects.bulk_create(
        Target(period=period, service_id=service_id, population=population, source=Target.Source.CARRIED,
               sample_target=0, updated_by=acting_user)
        for service_id, _unit_id, population in earlier
    )
    Target.objects.reallocate(period_id=period.pk, unit_ids={unit_id for _s, unit_id, _p in earlier})
    return len(earlier)


@audited
@transaction.atomic
def set_population(*, period: Period, service: UnitService, population: int, acting_user) -> Target:
    """The unit's count of service recipients of one service; the unit's target (Krejcie–Morgan of the
    unit's total, floor 30) is allocated again over its services."""
    if period.status == Period.Status.CLOSED:
        raise ServiceError(_("Periode %(p)s sudah ditutup.") % {"p": period.name})
    if population < 0:
        raise ServiceError(_("Populasi tidak boleh negatif."))
    target, created = Target.objects.select_for_update().get_or_create(
        period=period, service=service,
        defaults={"population": population, "sample_target": 0, "updated_by": acting_user},
    )
    if not created and (target.population != population or target.source != Target.Source.ENTERED):
        target.population = population
        target.source = Target.Source.ENTERED
        target.updated_by = acting_user
        target.save(update_fields=["population", "source", "updated_by", "updated_at"])
    Target.objects.reallocate(period_id=period.pk, unit_ids=[service.unit_id])
    target.refresh_from_db()
    return target


@audited
@transaction.atomic
def adjust_unit_target(*, period: Period, unit: Unit, adjusted: int | None, acting_user) -> int:
    """A Kanwil's own target for a unit (None returns to the methodology's figure), allocated over the unit's
    services like the methodology's target. Returns the unit's target in force."""
    targets = list(Target.objects.select_for_update().filter(period=period, service__unit=unit))
    population = sum(t.population for t in targets)
    if adjusted is not None and not 1 <= adjusted <= max(population, 1):
        raise ServiceError(_("Target disesuaikan harus antara 1 dan populasi (%(n)d).") % {"n": population})
    if not targets:
        raise ServiceError(_("Isi populasi terlebih dahulu."))
    Target.objects.filter(pk__in=[t.pk for t in targets]).update(updated_by=acting_user)
    Target.objects.reallocate(period_id=period.pk, unit_ids=[unit.pk], adjusted={unit.pk: adjusted})
    return sum(t.effective_target for t in Target.objects.filter(period=period, service__unit=unit))


# --------------------------------------------------------------------------- service types, access points
@audited
@transaction.atomic
def add_unit_service(*, unit: Unit, name: str, name_en: str = "", acting_user) -> UnitService:
    name = name.strip()
    existing = UnitService.objects.filter(unit=unit, name__iexact=name).first()
    if existing is not None:
        if existing.active:
            raise ServiceError(_("Layanan \"%(name)s\" sudah ada.") % {"name": name})
        existing.active = True
        existing.save(update_fields=["active"])
        return existing
    return UnitService.objects.create(unit=unit, name=name, name_en=name_en.strip())


@audited
@transaction.atomic
def set_service_active(*, service: UnitService, active: bool, acting_user) -> UnitService:
    service.active = active
    service.save(update_fields=["active"])
    return service


@audited
@transaction.atomic
def set_access_point_enabled(*, access_point: AccessPoint, enabled: bool, acting_user) -> AccessPoint:
    """A disabled point's link shows a "no longer in use" page instead of the form."""
    access_point.enabled = enabled
    access_point.save(update_fields=["enabled"])
    return access_point


@audited
@transaction.atomic
def rotate_token(*, access_point: AccessPoint, acting_user) -> AccessPoint:
    """A new unguessable token: the old posters stop working (e.g. after a poster was copied elsewhere)."""
    from .models import new_token

    access_point.token = new_token()
    access_point.save(update_fields=["token"])
    return access_point



@audited
def set_service_hours(*, acting_user, unit: Unit, opens_at, closes_at) -> Unit:
    """A unit's service hours (the validity rule on answers outside them reads these)."""
    unit.opens_at, unit.closes_at = opens_at, closes_at
    unit.save(update_fields=["opens_at", "closes_at"])
    return unit
