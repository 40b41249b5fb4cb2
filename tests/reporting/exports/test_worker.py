"""With a real Redis broker and Celery worker: the request returns at once, the worker builds the file."""
import time
from io import BytesIO

import openpyxl
import pytest
from django.db import connection

from reporting.models import ExportJob
from tests import brokers

BROKER_URL = brokers.url("exports")


@pytest.fixture
def worker(use_broker, start_celery_worker):
    """Requests go to Redis (not run in-process); a real worker builds the files."""
    use_broker(BROKER_URL)
    return start_celery_worker(BROKER_URL)


@pytest.mark.postgresql
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
    assert wb.sheetnames == ["Sampul", "IPAK", "IPKP", "Per layanan", "Demografi", "Butir tambahan",
                             "Rencana tindak lanjut", "Data mentah"]
    assert wb["IPKP"]["Q5"].value == 87.5
    worker.terminate()
    log = worker.communicate(timeout=30)[0]
    assert "Task reporting.exports.build_export[" in log and "succeeded" in log  # built by the worker
