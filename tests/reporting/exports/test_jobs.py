"""Export jobs: request, background build, download centre, scoping, failures, expiry, shell command."""
from datetime import timedelta
from io import BytesIO, StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from reporting.exports import build, services
from reporting.models import ExportJob
from tests.factories import make_period

pytestmark = pytest.mark.django_db


def request_recap(client, period, scope="kanwil:jateng-pas", kind="recap", **extra):
    return client.post("/staf/ekspor/", {"period": period.pk, "scope": scope, "kind": kind, **extra})


@pytest.fixture
def done_job(dataset, org, login, django_capture_on_commit_callbacks):
    client = login(org.kanwil_jateng)
    with django_capture_on_commit_callbacks(execute=True):
        response = request_recap(client, dataset.period)
    assert response.status_code == 302
    return ExportJob.objects.get()


def test_kanwil_staff_request_builds_a_recap_in_the_background(done_job, org, login):
    assert (done_job.status, done_job.progress, done_job.error) == ("done", 100, "")
    assert done_job.filename == "Rekap_SPAK_SPKP_jateng-pas_Triwulan_IV_2026.xlsx"
    assert done_job.expires_at == done_job.finished_at + timedelta(hours=24)
    client = login(org.kanwil_jateng)
    page = client.get("/staf/ekspor/").content.decode()
    assert "Rekap_SPAK_SPKP_jateng-pas_Triwulan_IV_2026.xlsx" in page
    assert 'http-equiv="refresh"' not in page  # nothing pending
    response = client.get(f"/staf/ekspor/{done_job.pk}/unduh/")
    assert response.status_code == 200
    assert 'filename="Rekap_SPAK_SPKP_jateng-pas_Triwulan_IV_2026.xlsx"' in response["Content-Disposition"]
    wb = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert wb["IPKP"]["Q5"].value == 87.5  # Lapas Semarang's IK, from its snapshot


def test_request_returns_at_once_and_the_centre_refreshes_while_pending(dataset, org, login):
    client = login(org.kanwil_jateng)
    response = request_recap(client, dataset.period)  # on_commit not run: the task has not started
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == "queued"
    page = client.get("/staf/ekspor/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'aria-valuenow="0"' in page
    assert client.get(f"/staf/ekspor/{job.pk}/unduh/").status_code == 404  # not ready


def test_kanwil_staff_cannot_request_another_region_or_the_nation(dataset, org, login):
    client = login(org.kanwil_jateng)
    for scope in ("kanwil:diy-pas", "unit:lapas-yogyakarta", "nation"):
        response = request_recap(client, dataset.period, scope=scope)
        assert response.status_code == 400
        assert "Cakupan ini di luar wewenang Anda." in response.content.decode()
    assert not ExportJob.objects.exists()


def test_officer_may_export_only_their_own_unit(dataset, org, login, django_capture_on_commit_callbacks):
    client = login(org.officer_surakarta)
    assert request_recap(client, dataset.period, scope="kanwil:jateng-pas").status_code == 400
    assert request_recap(client, dataset.period, scope="unit:lapas-semarang").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert request_recap(client, dataset.period, scope="unit:rutan-surakarta").status_code == 302
    job = ExportJob.objects.get()
    assert (job.level, job.unit, job.status) == ("unit", org.surakarta, "done")
    wb = openpyxl.load_workbook(BytesIO(b"".join(client.get(f"/staf/ekspor/{job.pk}/unduh/").streaming_content)))
    cells = {str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
    assert "Rutan Kelas I Surakarta" in cells and "Lapas Kelas I Semarang" not in cells


def test_nobody_else_can_download_a_job_by_guessing_its_id(done_job, org, login):
    for user in (org.kanwil_diy, org.officer_semarang, org.officer_yogyakarta, org.pusat):
        client = login(user)
        assert client.get(f"/staf/ekspor/{done_job.pk}/unduh/").status_code == 404
        assert done_job.filename not in client.get("/staf/ekspor/").content.decode()
    assert login(org.kanwil_jateng).get(f"/staf/ekspor/{done_job.pk + 1000}/unduh/").status_code == 404


def test_every_download_is_in_the_audit_trail_and_refusals_are_not(done_job, org, login):
    from auditlog.models import LogEntry

    login(org.kanwil_diy).get(f"/staf/ekspor/{done_job.pk}/unduh/")
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    login(org.kanwil_jateng).get(f"/staf/ekspor/{done_job.pk}/unduh/")
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == org.kanwil_jateng
    assert entry.additional_data["filename"] == "Rekap_SPAK_SPKP_jateng-pas_Triwulan_IV_2026.xlsx"


def test_download_is_refused_once_the_user_left_the_scope(done_job, org, login):
    membership = org.kanwil_jateng.membership
    membership.kanwil = org.diy
    membership.save()
    assert login(org.kanwil_jateng).get(f"/staf/ekspor/{done_job.pk}/unduh/").status_code == 404


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/staf/ekspor/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_failed_job_shows_a_readable_error(org, login, django_capture_on_commit_callbacks):
    period = make_period(versions=[])
    client = login(org.kanwil_jateng)
    with django_capture_on_commit_callbacks(execute=True):
        request_recap(client, period)
    job = ExportJob.objects.get()
    assert job.status == "failed"
    assert job.error == "Periode Triwulan IV 2026 belum memiliki versi instrumen."
    page = client.get("/staf/ekspor/").content.decode()
    assert "belum memiliki versi instrumen" in page and "Traceback" not in page


def test_running_a_job_twice_changes_nothing(done_job):
    name = done_job.file.name
    build.run_export(job_id=done_job.pk)
    done_job.refresh_from_db()
    assert (done_job.status, done_job.file.name) == ("done", name)


def test_expired_files_are_deleted_and_no_longer_served(done_job, org, login):
    path = Path(done_job.file.path)
    assert path.exists()
    assert build.delete_expired_exports(now=done_job.expires_at - timedelta(seconds=1)) == 0
    assert build.delete_expired_exports(now=done_job.expires_at) == 1
    done_job.refresh_from_db()
    assert done_job.status == "expired" and not done_job.file and not path.exists()
    client = login(org.kanwil_jateng)
    assert client.get(f"/staf/ekspor/{done_job.pk}/unduh/").status_code == 404
    assert "Berkas sudah dihapus" in client.get("/staf/ekspor/").content.decode()


def test_open_download_refuses_after_expiry_even_before_the_beat_runs(done_job, org):
    with pytest.raises(Exception) as excinfo:
        services.open_download(done_job, org.kanwil_jateng, now=done_job.expires_at + timedelta(minutes=1))
    assert excinfo.type.__name__ == "Http404"
    services.open_download(done_job, org.kanwil_jateng, now=timezone.now()).close()


def test_beat_schedule_deletes_expired_exports(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["delete-expired-exports"]
    from reporting.exports.tasks import delete_expired_exports

    assert entry["task"] == delete_expired_exports.name
    assert "reporting.exports.tasks" in settings.CELERY_IMPORTS


def test_build_recap_command_writes_the_same_workbook(dataset, org, tmp_path):
    out = StringIO()
    call_command("build_recap", "--kanwil", "jateng-pas", "--period", str(dataset.period.pk),
                 "--output", str(tmp_path), stdout=out)
    path = Path(out.getvalue().strip())
    assert path.name == "Rekap_SPAK_SPKP_jateng-pas_Triwulan_IV_2026.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Sampul", "IPAK", "IPKP", "Per layanan", "Demografi", "Butir tambahan",
                             "Rencana tindak lanjut"]
    assert wb["IPKP"]["Q5"].value == 87.5


def test_build_recap_command_refuses_an_unknown_scope(dataset):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("build_recap", "--kanwil", "tidak-ada", "--period", str(dataset.period.pk))


def test_build_recap_command_writes_raw_csv(dataset, org, tmp_path):
    out = StringIO()
    call_command("build_recap", "--unit", "rutan-surakarta", "--kind", "raw_csv", "--output", str(tmp_path),
                 stdout=out)
    path = Path(out.getvalue().strip())
    assert path.name == "Data_SPAK_SPKP_rutan-surakarta_Triwulan_IV_2026.csv"
    assert len(path.read_text(encoding="utf-8-sig").splitlines()) == 8  # 3 rules, empty line, header, 3 responses


def test_download_centre_speaks_english_when_asked(dataset, org, login, django_capture_on_commit_callbacks):
    client = login(org.kanwil_jateng)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/staf/ekspor/", {"period": dataset.period.pk, "scope": "kanwil:jateng-pas", "kind": "recap"},
                    HTTP_ACCEPT_LANGUAGE="en")
    job = ExportJob.objects.get()
    assert job.language == "en"
    page = client.get("/staf/ekspor/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Download centre" in page and "My files" in page
    wb = openpyxl.load_workbook(job.file.path)
    assert wb.sheetnames == ["Cover", "IPAK", "IPKP", "By service", "Demographics", "Extra items", "Action plan"]


def test_a_fourth_pending_export_waits_for_the_first_three(dataset, org, login):
    client = login(org.kanwil_jateng)
    for _n in range(3):
        assert request_recap(client, dataset.period).status_code == 302  # queued, not yet run
    response = request_recap(client, dataset.period)
    assert response.status_code == 429
    assert "Masih ada 3 ekspor Anda yang sedang disusun" in response.content.decode()
    assert ExportJob.objects.count() == 3


def test_stalled_jobs_are_failed_by_the_beat_so_the_centre_stops_waiting(dataset, org, login):
    client = login(org.kanwil_jateng)
    request_recap(client, dataset.period)
    job = ExportJob.objects.get()
    build.delete_expired_exports(now=job.created_at + timedelta(minutes=30))
    job.refresh_from_db()
    assert job.status == "queued"  # may still be waiting for a worker
    build.delete_expired_exports(now=job.created_at + timedelta(hours=2))
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "Penyusunan berkas terhenti. Silakan minta ekspor lagi."
    page = client.get("/staf/ekspor/").content.decode()
    assert 'http-equiv="refresh"' not in page and "Penyusunan berkas terhenti" in page
