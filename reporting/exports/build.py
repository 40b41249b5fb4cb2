"""Building one export job's file and expiring old ones: what the Celery tasks run (tasks.py)."""
import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reporting.models import ExportJob, Level
from responses.disclosure import sees_rows
from surveys.models import Kanwil, Unit, sees_everything

from .csv import build_raw_csv
from .raw import build_raw_workbook
from .recap import build_recap_workbook
from .rows import Scope, file_stem

REPORT_KINDS = {ExportJob.Kind.REPORT: ("Laporan_SPAK_SPKP", "pdf"), ExportJob.Kind.POSTER: ("Pengumuman_Hasil", "pdf"),
                ExportJob.Kind.PACK: ("Bukti_ZI_SPAK_SPKP", "zip")}

logger = logging.getLogger(__name__)

PENDING = (ExportJob.Status.WAITING, ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)


class ExportError(Exception):
    """A failure the requester can act on; its message is shown in the download centre as is."""


def file_ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "EXPORT_FILE_TTL_HOURS", 24))


def scope_allowed(user, *, level: str, kanwil: Kanwil | None = None, unit: Unit | None = None) -> bool:
    """Pusat may export anything; Kanwil staff their region and its UPTs; officers their own UPT."""
    if level == Level.NATION:
        return sees_everything(user)
    if level == Level.KANWIL:
        return kanwil is not None and Kanwil.objects.visible_to(user).filter(pk=kanwil.pk).exists()
    return unit is not None and Unit.objects.visible_to(user).filter(pk=unit.pk).exists()


def _filename(job: ExportJob) -> str:
    scope = Scope.of(job)
    if job.kind == ExportJob.Kind.RECAP:
        return file_stem("Rekap_SPAK_SPKP", scope, job.period) + ".xlsx"
    if job.kind in REPORT_KINDS:
        prefix, extension = REPORT_KINDS[job.kind]
        return file_stem(prefix, scope, job.period) + "." + extension
    extension = "csv" if job.kind == ExportJob.Kind.RAW_CSV else "xlsx"
    return file_stem("Data_SPAK_SPKP", scope, job.period) + "." + extension


def build_file(job: ExportJob, path: Path, *, now: datetime, on_progress=None) -> None:
    """Writes the job's file to `path` in the job's language. Raises ExportError on a user-level problem."""
    scope = Scope.of(job)
    if not job.period.instrument_versions.exists():
        raise ExportError(_("Periode %(period)s belum memiliki versi instrumen.") % {"period": job.period})
    # The disclosure policy follows the reader (responses.disclosure), checked again at build time.
    restricted = not sees_rows(job.requested_by)
    text = {"include_text": job.include_text and not restricted, "text_reason": job.text_reason}
    if job.kind == ExportJob.Kind.RECAP:
        build_recap_workbook(path, scope=scope, period=job.period, include_raw=job.include_raw, now=now,
                             on_progress=on_progress, restricted=restricted, **text)
    elif job.kind in REPORT_KINDS:  # aggregates with small cells suppressed: for every reader in scope
        _build_report(job, path, scope=scope, now=now, on_progress=on_progress, restricted=restricted)
    elif restricted:
        raise ExportError(_("Data per jawaban hanya untuk Kanwil dan Pusat, demi anonimitas responden."))
    elif job.kind == ExportJob.Kind.RAW_XLSX:
        build_raw_workbook(path, scope=scope, period=job.period, on_progress=on_progress, **text)
    elif job.kind == ExportJob.Kind.RAW_CSV:
        build_raw_csv(path, scope=scope, period=job.period, on_progress=on_progress, **text)
    else:
        raise ExportError(_("Jenis ekspor tidak dikenal."))


def _build_report(job: ExportJob, path: Path, *, scope: Scope, now: datetime, on_progress=None,
                  restricted: bool = True) -> None:
    from reporting.reports import render
    from reporting.reports.content import Signatory

    builders = {ExportJob.Kind.REPORT: render.build_report_pdf, ExportJob.Kind.POSTER: render.build_poster_pdf}
    kwargs = {"scope": scope, "period": job.period, "signatory": Signatory.from_options(job.options),
              "today": timezone.localdate(now)}
    try:
        if job.kind == ExportJob.Kind.PACK:
            render.build_evidence_pack(path, on_progress=on_progress, restricted=restricted, **kwargs)
        else:
            builders[job.kind](path, restricted=restricted, **kwargs)
    except render.ReportError as exc:
        raise ExportError(str(exc)) from exc


def run_export(*, job_id: int, now: datetime | None = None) -> ExportJob | None:
    """Builds one job's file. Idempotent: a job already done, failed or expired is left as it is."""
    job = ExportJob.objects.select_related("period", "kanwil", "unit", "requested_by").filter(pk=job_id).first()
    if job is None or job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED, ExportJob.Status.EXPIRED):
        return job
    now = now or timezone.now()
    job.status, job.started_at, job.progress, job.error = ExportJob.Status.RUNNING, now, 0, ""
    job.heartbeat_at, job.attempts = timezone.now(), job.attempts + 1
    job.save(update_fields=["status", "started_at", "progress", "error", "heartbeat_at", "attempts"])
    last = [0]

    def on_progress(percent: int) -> None:
        percent = max(0, min(99, percent))
        if percent > last[0]:
            last[0] = percent
            ExportJob.objects.filter(pk=job.pk).update(progress=percent, heartbeat_at=timezone.now())

    with translation.override(job.language):
        try:
            if not scope_allowed(job.requested_by, level=job.level, kanwil=job.kanwil, unit=job.unit):
                raise ExportError(_("Anda tidak lagi berwenang atas cakupan ekspor ini."))
            filename = _filename(job)
            tmp = temp_dir(job.pk)
            shutil.rmtree(tmp, ignore_errors=True)  # a killed earlier attempt's leftovers
            tmp.mkdir(parents=True)
            try:
                path = tmp / filename
                build_file(job, path, now=now, on_progress=on_progress)
                with open(path, "rb") as handle:
                    job.file.save(filename, File(handle), save=False)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        except ExportError as exc:
            return _fail(job, str(exc))
        except SoftTimeLimitExceeded:
            return _fail(job, _("Penyusunan berkas melebihi batas waktu. Persempit cakupan lalu coba lagi."))
        except Exception:
            logger.exception("Export job %s failed", job.pk)
            return _fail(job, _("Berkas gagal disusun karena kesalahan tak terduga. Silakan coba lagi; "
                                "bila berulang, hubungi admin Pusat."))
    finished = timezone.now()
    job.filename, job.status, job.progress = filename, ExportJob.Status.DONE, 100
    job.finished_at, job.expires_at = finished, max(finished, now) + file_ttl()
    job.save(update_fields=["file", "filename", "status", "progress", "finished_at", "expires_at"])
    return job


def temp_dir(job_id: int) -> Path:
    """Where job `job_id` writes its file while building: under EXPORT_TEMP_DIR, so that the recovery of a
    job whose worker was killed removes what it left behind (a system temp folder would keep it)."""
    return Path(settings.MEDIA_ROOT) / "exports-tmp" / f"job-{job_id}"


def _fail(job: ExportJob, message: str) -> ExportJob:
    job.status, job.error, job.finished_at = ExportJob.Status.FAILED, message, timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job


def stalled_after() -> timedelta:
    """A job still queued or running this long after its request will not finish by itself."""
    return timedelta(seconds=2 * getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800))


def delete_expired_exports(*, now: datetime | None = None) -> int:
    """Deletes the files of jobs past their expiry and marks them expired; returns how many.

    Also marks as failed the jobs that stalled (a lost worker), so the download centre stops waiting.
    """
    now = now or timezone.now()
    for job in ExportJob.objects.filter(status__in=PENDING, created_at__lte=now - stalled_after()):
        with translation.override(job.language):
            _fail(job, _("Penyusunan berkas terhenti. Silakan minta ekspor lagi."))
    count = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now):
        if job.file:
            job.file.delete(save=False)
        job.status = ExportJob.Status.EXPIRED
        job.save(update_fields=["file", "status"])
        count += 1
    return count
