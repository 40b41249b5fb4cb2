"""Exports that survive a broker outage and a killed worker (docs/resilience.md).

- `publish` queues a job's build; when the broker is unreachable or hangs (bounded by
  DEPENDENCY_TIMEOUT_SECONDS) the job is recorded as "waiting for the task queue" instead of a 500.
- `recover_exports`, every RECOVERY_INTERVAL_SECONDS (beat), publishes the waiting jobs and requeues a
  running job whose heartbeat is older than EXPORT_STALE_SECONDS (its worker died), removing the temporary
  files it left; after EXPORT_MAX_ATTEMPTS starts it fails with a readable message instead.
"""
import logging
import shutil
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reporting.models import ExportJob

from .build import _fail, temp_dir
from .tasks import build_export

logger = logging.getLogger(__name__)
Status = ExportJob.Status


def publish(job: ExportJob) -> bool:
    """Queues the build of `job` (queued or waiting); returns False, leaving it waiting, if the broker
    cannot take it now. Never raises."""
    ExportJob.objects.filter(pk=job.pk, status=Status.WAITING).update(status=Status.QUEUED)
    app = build_export.app
    try:
        if app.conf.task_always_eager:  # embedded mode: build now, in-process
            build_export.apply_async((job.pk,))
        else:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=0)  # fail at once; kombu would retry for seconds
                build_export.apply_async((job.pk,), retry=False, connection=conn)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the job waits for the next recovery run
        logger.warning("Export job %s waits for the broker: %s", job.pk, exc)
        ExportJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(status=Status.WAITING)
        job.status = Status.WAITING
        return False
    job.refresh_from_db(fields=["status"])
    return True


def recover_exports(*, now: datetime | None = None) -> int:
    """Publishes waiting jobs and requeues (or fails) stale running ones; returns how many it handled."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.EXPORT_STALE_SECONDS)
    handled = 0
    stale = ExportJob.objects.filter(status=Status.RUNNING).filter(
        Q(heartbeat_at__lte=stale_before) | Q(heartbeat_at__isnull=True, started_at__lte=stale_before))
    for job in stale:
        shutil.rmtree(temp_dir(job.pk), ignore_errors=True)
        handled += 1
        if job.attempts >= settings.EXPORT_MAX_ATTEMPTS:
            with translation.override(job.language):
                _fail(job, _("Penyusunan berkas terhenti karena proses latar berhenti, juga pada percobaan "
                             "ulang. Silakan minta ekspor lagi; bila berulang, persempit cakupannya."))
            continue
        logger.warning("Export job %s: no heartbeat since %s; requeued", job.pk, job.heartbeat_at)
        # Only if no worker picked it up meanwhile (the row is still the stale running one).
        if ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING, heartbeat_at=job.heartbeat_at).update(
                status=Status.WAITING, progress=0):
            publish(job)
    for job in ExportJob.objects.filter(status=Status.WAITING):
        handled += 1
        publish(job)
    return handled


@shared_task(name="reporting.exports.recover_exports")
def recover_exports_task() -> int:
    return recover_exports()
