"""A period opens and closes by its dates; closing (by date or by hand, after a confirmation) freezes and
publishes the final figures at once; Pusat may reopen a recently closed period with a reason."""
from datetime import UTC, date, datetime, timedelta

import pytest
from auditlog.models import LogEntry

from reporting.models import Snapshot
from reporting.tasks import freeze_closed_periods
from surveys.audit import system_actor
from surveys.models import Period
from surveys.services import ServiceError, advance_periods, close_period, reopen_period
from surveys.tasks import advance_periods_task
from tests.factories import make_period

from .conftest import WORKED_SPAK, WORKED_SPKP, make_response

pytestmark = pytest.mark.django_db

# Asia/Jakarta is UTC+7: 2027-01-01 00:30 there is 2026-12-31 17:30 UTC.
LAST_DAY = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 23:00 WIB on the closing date
NEXT_DAY = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 WIB the day after


@pytest.fixture
def ten_responses(org, period):
    """Ten counted responses at Lapas Semarang: enough for a published figure."""
    for spkp, spak in [*zip(WORKED_SPKP, WORKED_SPAK, strict=True)] * 2:
        make_response(period=period, unit=org.semarang, scores={"SPKP": spkp, "SPAK": spak})
    return period


@pytest.fixture
def next_quarter(period):
    return make_period(name="Triwulan I 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31),
                       status=Period.Status.SCHEDULED)


def test_scheduled_job_closes_at_the_end_and_opens_the_next_at_its_start(period, next_quarter,
                                                                        django_capture_on_commit_callbacks):
    assert advance_periods(acting_user=system_actor(), now=LAST_DAY) == {"closed": [], "opened": []}
    with django_capture_on_commit_callbacks(execute=True):
        done = advance_periods(acting_user=system_actor(), now=NEXT_DAY)
    assert done == {"closed": ["Triwulan IV 2026"], "opened": ["Triwulan I 2027"]}
    period.refresh_from_db()
    next_quarter.refresh_from_db()
    assert (period.status, period.closed_at) == (Period.Status.CLOSED, NEXT_DAY)
    assert (next_quarter.status, next_quarter.opened_at) == (Period.Status.OPEN, NEXT_DAY)
    # Idempotent: a second run changes nothing.
    assert advance_periods(acting_user=system_actor(), now=NEXT_DAY + timedelta(minutes=5)) == {
        "closed": [], "opened": []}
    entries = LogEntry.objects.get_for_object(next_quarter).filter(action=LogEntry.Action.UPDATE)
    (entry,) = [e for e in entries if "status" in e.changes_dict]
    assert entry.actor.username == "sistem" and entry.changes_dict["status"] == ["scheduled", "open"]


def test_a_scheduled_period_does_not_open_before_its_start_or_after_its_end(period):
    close_period(period=period, acting_user=system_actor(), now=LAST_DAY)
    later = make_period(name="Triwulan I 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31),
                        status=Period.Status.SCHEDULED)
    assert advance_periods(acting_user=system_actor(), now=LAST_DAY)["opened"] == []
    assert advance_periods(acting_user=system_actor(), now=datetime(2027, 4, 2, tzinfo=UTC))["opened"] == []
    later.refresh_from_db()
    assert later.status == Period.Status.SCHEDULED


def test_the_celery_task_runs_the_same_job_as_the_system(period, django_capture_on_commit_callbacks):
    Period.objects.filter(pk=period.pk).update(starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31))
    with django_capture_on_commit_callbacks(execute=True):
        assert advance_periods_task.apply().get() == {"closed": ["Triwulan IV 2026"], "opened": []}


def test_closing_by_date_freezes_and_publishes_at_once(org, ten_responses, client,
                                                       django_capture_on_commit_callbacks):
    assert "3,50" not in client.get("/hasil/upt/lapas-semarang/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        advance_periods(acting_user=system_actor(), now=NEXT_DAY)
    assert Snapshot.objects.filter(period=ten_responses, is_final=True, unit=org.semarang).exists()
    html = client.get("/hasil/upt/lapas-semarang/").content.decode()
    assert 'data-figure="nrr">3,50<' in html  # the worked example's IPKP, right after closing
    assert freeze_closed_periods() == []  # nothing left for the safety-net job


def test_manual_close_asks_for_confirmation_then_publishes(org, login, ten_responses, client,
                                                            django_capture_on_commit_callbacks):
    staff = login(org.pusat)
    page = staff.get("/staf/periode/").content.decode()
    assert f'href="/staf/periode/{ten_responses.pk}/tutup/"' in page  # a link to the confirmation, not a POST
    page = staff.get(f"/staf/periode/{ten_responses.pk}/tutup/").content.decode()
    assert "Tutup periode Triwulan IV 2026?" in page and "langsung tampil di halaman hasil publik" in page
    assert "paling lambat 14 hari setelah ditutup" in page
    assert staff.post(f"/staf/periode/{ten_responses.pk}/tutup/").status_code == 200  # no confirm: asks again
    assert Period.objects.get(pk=ten_responses.pk).status == Period.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/staf/periode/{ten_responses.pk}/tutup/", {"confirm": "1"})
    assert response.status_code == 302
    assert Period.objects.get(pk=ten_responses.pk).status == Period.Status.CLOSED
    assert 'data-figure="nrr">3,50<' in client.get("/hasil/upt/lapas-semarang/").content.decode()


def test_officer_and_kanwil_cannot_open_the_close_page(org, login, period):
    for user in (org.officer_semarang, org.kanwil_jateng):
        assert login(user).get(f"/staf/periode/{period.pk}/tutup/").status_code == 403


def test_pusat_reopens_within_the_window_with_a_reason_and_the_next_close_is_a_new_revision(
        org, login, ten_responses, django_capture_on_commit_callbacks):
    closed_at = datetime.now(UTC) - timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        close_period(period=ten_responses, acting_user=org.pusat, now=closed_at)
    first = Snapshot.objects.get(period=ten_responses, unit=org.semarang, service=None, is_current=True,
                                 version__instrument__code="SPKP")
    assert (first.revision, first.is_final) == (1, True)
    staff = login(org.pusat)
    page = staff.get("/staf/periode/").content.decode()
    assert "Buka kembali…" in page
    response = staff.post(f"/staf/periode/{ten_responses.pk}/buka-kembali/", {"reason": "  "})
    assert response.status_code == 400
    response = staff.post(f"/staf/periode/{ten_responses.pk}/buka-kembali/",
                          {"reason": "Kios Lapas Semarang rusak dua minggu terakhir"})
    assert response.status_code == 302
    period = Period.objects.get(pk=ten_responses.pk)
    assert period.status == Period.Status.OPEN and period.reopen_reason.startswith("Kios Lapas")
    entry = LogEntry.objects.get_for_object(period).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == org.pusat and entry.changes_dict["status"] == ["closed", "open"]
    assert entry.changes_dict["reopen_reason"][1] == "Kios Lapas Semarang rusak dua minggu terakhir"
    # A reopened period is not closed again by its (past) date: it closes by hand.
    assert advance_periods(acting_user=system_actor())["closed"] == []
    with django_capture_on_commit_callbacks(execute=True):
        close_period(period=period, acting_user=org.pusat)
    current = Snapshot.objects.get(period=period, unit=org.semarang, service=None, is_current=True,
                                   version__instrument__code="SPKP")
    assert (current.revision, current.is_final, str(current.nrr)) == (2, True, "3.50")
    first.refresh_from_db()
    assert (first.is_final, first.is_current) == (True, False)  # the old final figure stays, superseded


def test_reopening_is_refused_to_others_and_after_the_window(org, login, period, settings):
    close_period(period=period, acting_user=org.pusat, now=datetime.now(UTC) - timedelta(days=15))
    with pytest.raises(ServiceError, match="kurang dari 14 hari"):
        reopen_period(period=period, reason="terlambat", acting_user=org.pusat)
    settings.PERIOD_MANAGERS = ["pusat", "kanwil"]  # even a Kanwil that may close periods cannot reopen
    Period.objects.filter(pk=period.pk).update(closed_at=datetime.now(UTC) - timedelta(days=1))
    for user in (org.kanwil_jateng, org.officer_semarang):
        assert login(user).post(f"/staf/periode/{period.pk}/buka-kembali/", {"reason": "x"}).status_code == 403
        with pytest.raises(ServiceError, match="Hanya Pusat"):
            reopen_period(period=period, reason="x", acting_user=user)
    settings.PERIOD_REOPEN_DAYS = 0
    response = login(org.pusat).post(f"/staf/periode/{period.pk}/buka-kembali/", {"reason": "perlu"})
    assert response.status_code == 400
    assert Period.objects.get(pk=period.pk).status == Period.Status.CLOSED


def test_close_and_reopen_pages_read_in_english(org, login, period):
    staff = login(org.pusat)
    html = staff.get(f"/staf/periode/{period.pk}/tutup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Close period Triwulan IV 2026?" in html and "appear on the public results pages at once" in html
    assert "at most 14 days after it was closed" in html and "Yes, close and publish" in html
    close_period(period=period, acting_user=org.pusat)
    html = staff.get(f"/staf/periode/{period.pk}/buka-kembali/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reopen period Triwulan IV 2026" in html and "Reason for reopening" in html


def test_safety_net_freezes_a_reclosed_period_whose_freeze_did_not_run(org, ten_responses, settings,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        close_period(period=ten_responses, acting_user=org.pusat, now=datetime.now(UTC) - timedelta(hours=1))
    assert freeze_closed_periods() == []
    reopen_period(period=ten_responses, reason="kios rusak", acting_user=org.pusat)
    settings.PERIOD_CLOSED_HOOK = ""  # as if the freeze at close had failed
    close_period(period=ten_responses, acting_user=org.pusat)
    assert freeze_closed_periods() == [ten_responses.pk]
    assert freeze_closed_periods() == []
    current = Snapshot.objects.get(period=ten_responses, unit=org.semarang, service=None, is_current=True,
                                   version__instrument__code="SPKP")
    assert (current.revision, current.is_final) == (2, True)
