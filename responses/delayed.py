"""Answers an enrolled kiosk completed offline and sends later: which period they belong to, and whether
they still may be stored (docs/kiosk.md). Stored exactly once by their idempotency key, like the form's."""
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import AccessPoint, KioskDevice, Period

from .forms import SurveyForm
from .models import DeviceClass, Response
from .questionnaire import questionnaire_for
from .services import submit_response

FUTURE_SKEW = timedelta(minutes=10)  # a tablet's clock a little ahead is fine; far ahead is not


@dataclass(frozen=True)
class Outcome:
    """What the kiosk is told: `status` (stored, duplicate, revoked, too_late, invalid), the HTTP status,
    and a message for the staff member looking at the tablet."""
    status: str
    http_status: int
    message: str = ""
    errors: dict | None = None


def period_closes_at(period: Period) -> datetime:
    """When answers stopped being accepted: the closing click, else the end of the period's last day."""
    if period.closed_at is not None:
        return period.closed_at
    return timezone.make_aware(datetime.combine(period.ends_on + timedelta(days=1), time.min))


def period_of(completed: datetime) -> Period | None:
    """The opened (open or closed) period whose days hold the completion time, if the period was still
    taking answers then."""
    day = timezone.localdate(completed)
    candidates = (Period.objects.filter(starts_on__lte=day, ends_on__gte=day)
                  .exclude(status=Period.Status.SCHEDULED).order_by("-starts_on"))
    return next((p for p in candidates if completed < period_closes_at(p)), None)


def store_delayed(*, access_point: AccessPoint, device: KioskDevice, key: uuid.UUID, opened: datetime,
                  completed: datetime, fields: dict[str, str], now: datetime | None = None) -> Outcome:
    """Stores one queued submission of an enrolled tablet, in the period of its completion time."""
    now = now or timezone.now()
    if Response.objects.filter(idempotency_key=key).exists():
        return Outcome("duplicate", 200)
    if not device.active:
        return Outcome("revoked", 403, _(
            "Tablet ini sudah dicabut dari titik akses %(name)s, jadi jawaban yang tersimpan di tablet tidak "
            "diterima. Hubungi petugas unit untuk mendaftarkan tablet lagi.") % {"name": access_point.name})
    period = period_of(completed) if completed <= now + FUTURE_SKEW else None
    grace = timedelta(hours=settings.FORM_KIOSK_SYNC_GRACE_HOURS)
    if period is None or now > period_closes_at(period) + grace:
        return Outcome("too_late", 409, _(
            "Jawaban yang diisi pada %(when)s tidak dapat disimpan: periode survei waktu itu sudah ditutup "
            "lebih dari %(hours)d jam yang lalu, atau tidak ada periode yang dibuka waktu itu.") % {
                "when": timezone.localtime(completed).strftime("%d-%m-%Y %H:%M"),
                "hours": settings.FORM_KIOSK_SYNC_GRACE_HOURS})
    questionnaire = questionnaire_for(access_point.pk, period.pk)
    form = SurveyForm.for_questionnaire(questionnaire)(fields)
    if form.honeypot_filled():
        return Outcome("duplicate", 200)  # as the form does: nothing stored, nothing to retry
    if not form.is_valid():
        return Outcome("invalid", 400, _("Jawaban ini tidak lengkap atau tidak sah, jadi tidak disimpan."),
                       errors={name: [str(e) for e in errs] for name, errs in form.errors.items()})
    data = form.cleaned_data
    service = next(s for s in questionnaire.services if s.pk == data["service"])
    _response, created = submit_response(
        access_point=access_point, period=period, service=service, answers=form.answers(),
        idempotency_key=key, completion_seconds=max(0, int((completed - opened).total_seconds())),
        device_hash="", device_class=DeviceClass.TABLET, sex=data["sex"], age_band=data["age_band"],
        education=data["education"], occupation=data["occupation"], steered=data["steered"],
        suggestion=data["suggestion"], extra_answers=form.extra_answers(), now=completed, checked=True,
    )
    return Outcome("stored" if created else "duplicate", 201 if created else 200)
