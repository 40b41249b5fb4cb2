"""Exports that recover in minutes: a hung or unreachable broker records the job as waiting (never a 500)
and the recovery job publishes it once the broker is back; a job whose worker died is requeued within
EXPORT_STALE_SECONDS, or failed after EXPORT_MAX_ATTEMPTS, and its temporary files are removed."""
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from reporting.exports import build
from reporting.exports.recovery import recover_exports
from reporting.models import ExportJob
from tests import brokers

pytestmark = pytest.mark.django_db


def request_recap(client, period):
    return client.post("/staf/ekspor/", {"period": period.pk, "scope": "kanwil:jateng-pas", "kind": "recap"},
                       follow=True)


def _killed_mid_build(job, *, heartbeat_age, attempts=1):
    """What a worker killed at 27 % leaves: a running row with an old heartbeat and a partial file."""
    beat = timezone.now() - heartbeat_age
    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=27, attempts=attempts,
                                               started_at=beat, heartbeat_at=beat)
    tmp = build.temp_dir(job.pk)
    tmp.mkdir(parents=True)
    (tmp / "partial.xlsx").write_bytes(b"x" * 1_000_000)
    return tmp


@pytest.mark.django_db(transaction=True)  # the job is published on commit, inside the request, as in production
@pytest.mark.parametrize("broker", ["hung", "refused"])
def test_export_requested_while_the_broker_is_unreachable_waits_then_builds(
        dataset, org, login, use_broker, broker):
    client = login(org.kanwil_jateng)
    with brokers.HungBroker() as hung:
        app = use_broker(hung.url if broker == "hung" else brokers.REFUSED)
        started = time.monotonic()
        page = request_recap(client, dataset.period)
        elapsed = time.monotonic() - started
    assert page.status_code == 200 and elapsed < 2
    assert "antrean tugas sedang tidak terjangkau" in page.content.decode()
    job = ExportJob.objects.get()
    assert job.status == "waiting" and "Menunggu antrean tugas" in page.content.decode()
    app.conf.task_always_eager = True  # the broker is back (tasks run in-process here)
    assert recover_exports() == 1
    job.refresh_from_db()
    assert job.status == "done" and job.file


def test_a_job_whose_worker_died_is_requeued_after_the_stale_interval_and_its_files_removed(
        dataset, org, login, settings):
    settings.EXPORT_STALE_SECONDS = 300
    client = login(org.kanwil_jateng)
    request_recap(client, dataset.period)  # on_commit not run: stays queued
    job = ExportJob.objects.get()
    tmp = _killed_mid_build(job, heartbeat_age=timedelta(minutes=4))
    assert recover_exports() == 0  # still within the interval: perhaps just slow
    job.refresh_from_db()
    assert job.status == "running" and tmp.exists()
    assert recover_exports(now=timezone.now() + timedelta(minutes=1, seconds=1)) == 1
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 100, 2)  # rebuilt (in-process here)
    assert not tmp.exists()


def test_a_job_that_keeps_dying_fails_with_a_readable_message(dataset, org, login, settings):
    settings.EXPORT_MAX_ATTEMPTS = 2
    client = login(org.kanwil_jateng)
    request_recap(client, dataset.period)
    job = ExportJob.objects.get()
    tmp = _killed_mid_build(job, heartbeat_age=timedelta(minutes=10), attempts=2)
    assert recover_exports() == 1
    job.refresh_from_db()
    assert job.status == "failed" and "proses latar berhenti" in job.error
    assert not tmp.exists()
    page = client.get("/staf/ekspor/").content.decode()
    assert "proses latar berhenti" in page and 'http-equiv="refresh"' not in page


def test_a_finished_build_leaves_no_temporary_files(dataset, org, login, django_capture_on_commit_callbacks):
    client = login(org.kanwil_jateng)
    with django_capture_on_commit_callbacks(execute=True):
        request_recap(client, dataset.period)
    job = ExportJob.objects.get()
    assert job.status == "done" and not build.temp_dir(job.pk).exists()


def test_recovery_runs_every_minute_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reporting-recover-exports"]
    assert entry["task"] == "reporting.exports.recover_exports" and entry["schedule"] <= 60
