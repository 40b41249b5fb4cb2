"""With a real Redis broker and Celery worker: the request returns at once, the worker builds the file."""
import os
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.db import connection

from reporting.models import ExportJob

ROOT = Path(__file__).resolve().parents[3]
BROKER_URL = "redis://127.0.0.1:6379/4"  # this feature's Redis database


def _reset_pools(app):
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def broker():
    """Tasks go to Redis (not run in-process) until the test ends; the queue starts and ends empty."""
    import redis

    from spakspkp.celery import app

    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = BROKER_URL, False
    _reset_pools(app)
    yield client
    app.conf.broker_url, app.conf.task_always_eager = saved
    _reset_pools(app)
    client.flushdb()


@pytest.fixture
def worker(transactional_db, broker, settings):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER_URL,
        "EMBEDDED_TASKS": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "spakspkp.settings",
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "spakspkp", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.broker
def test_worker_builds_the_recap_requested_from_the_centre(dataset, org, login, worker):
    if connection.vendor != "postgresql":
        pytest.fail("the worker test needs the PostgreSQL test database")
    client = login(org.kanwil_jateng)
    started = time.monotonic()
    response = client.post("/staf/ekspor/", {"period": dataset.period.pk, "scope": "kanwil:jateng-pas",
                                             "kind": "recap", "include_raw": "on"})
    assert response.status_code == 302 and time.monotonic() - started < 5
    job = ExportJob.objects.get()
    deadline = time.monotonic() + 90
    while job.status in ("queued", "running"):
        if worker.poll() is not None:
            pytest.fail("worker exited:\n" + worker.stdout.read())
        assert time.monotonic() < deadline, "the worker did not finish the export within 90 s"
        time.sleep(0.5)
        job.refresh_from_db()
    assert (job.status, job.progress, job.error) == ("done", 100, "")
    download = client.get(f"/staf/ekspor/{job.pk}/unduh/")
    wb = openpyxl.load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert wb.sheetnames == ["Sampul", "IPAK", "IPKP", "Per layanan", "Demografi", "Data mentah"]
    assert wb["IPKP"]["Q5"].value == 87.5
    worker.terminate()
    log = worker.communicate(timeout=30)[0]
    assert "Task reporting.exports.build_export[" in log and "succeeded" in log  # built by the worker
