"""Requesting and serving export files (ExportJob rows); building and expiring them is in build.py."""
from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.models import ExportJob, Level
from responses.disclosure import sees_rows
from surveys.audit import record_download, record_text_export
from surveys.models import Kanwil, Period, Unit

from .build import PENDING, ExportError, scope_allowed
from .recovery import publish

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


MAX_PENDING_PER_USER = 3


class TooManyPendingExports(ExportError):
    """The user already has several exports being built; a new request waits for them."""


RAW_KINDS = (ExportJob.Kind.RAW_XLSX, ExportJob.Kind.RAW_CSV)


def wants_rows(*, kind: str, include_raw: bool) -> bool:
    return kind in RAW_KINDS or (kind == ExportJob.Kind.RECAP and include_raw)


def jobs_of(user):
    """The download centre's rows: a user only ever sees the exports they requested."""
    return ExportJob.objects.filter(requested_by=user).select_related("period", "kanwil", "unit")


def request_export(*, user, period: Period, kind: str, level: str, kanwil: Kanwil | None = None,
                   unit: Unit | None = None, include_raw: bool = False, include_text: bool = False,
                   text_reason: str = "", language: str = "id", options: dict | None = None,
                   now: datetime | None = None) -> ExportJob:
    """Records an export request and queues its build once the row is committed; returns at once.

    Response-level data (a raw export, or a recap's raw sheet) only for Kanwil/Pusat (responses.disclosure);
    free text in it only with a reason, recorded in the audit trail."""
    if not scope_allowed(user, level=level, kanwil=kanwil, unit=unit):
        raise Http404
    rows = wants_rows(kind=kind, include_raw=include_raw)
    if rows and not sees_rows(user):
        raise ExportError(_("Data per jawaban hanya untuk Kanwil dan Pusat, demi anonimitas responden."))
    text_reason = text_reason.strip()
    include_text = include_text and rows
    if include_text and not text_reason:
        raise ExportError(_("Tuliskan alasan menyertakan teks bebas responden."))
    if ExportJob.objects.filter(requested_by=user, status__in=PENDING).count() >= MAX_PENDING_PER_USER:
        raise TooManyPendingExports(
            _("Masih ada %(n)d ekspor Anda yang sedang disusun. Tunggu sampai selesai, lalu minta lagi.")
            % {"n": MAX_PENDING_PER_USER}
        )
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=user, period=period, kind=kind, level=level,
            kanwil=kanwil if level == Level.KANWIL else None, unit=unit if level == Level.UNIT else None,
            include_raw=include_raw and kind == ExportJob.Kind.RECAP, language=language, options=options or {},
            include_text=include_text, text_reason=text_reason if include_text else "",
            created_at=now or timezone.now(),
        )
        if include_text:
            record_text_export(user=user, obj=job, reason=text_reason, at=job.created_at)
        # Published after commit; a broker that is down or hangs leaves the job "waiting" (recovery.py).
        transaction.on_commit(lambda: publish(job))
    return job


def open_download(job: ExportJob, user, *, now: datetime | None = None):
    """The job's file opened for reading, if `user` may download it now; Http404 otherwise.

    The single door to export files (the view calls only this), so download auditing can hook in here.
    """
    now = now or timezone.now()
    if (
        job.requested_by_id != user.pk
        or job.status != ExportJob.Status.DONE
        or not job.file
        or (job.expires_at is not None and job.expires_at <= now)
        or not scope_allowed(user, level=job.level, kanwil=job.kanwil, unit=job.unit)
    ):
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    record_download(user=user, obj=job, filename=job.filename, at=now)
    return handle


def content_type(job: ExportJob) -> str:
    return CONTENT_TYPES.get(job.filename.rpartition(".")[2], CONTENT_TYPES["xlsx"])


