"""The audit trail: a row for each audited action, and a read-only Pusat page to search it."""
from datetime import date, timedelta

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from reporting.models import ExportJob, Level
from responses.models import ReviewDecision
from responses.review import services as review
from responses.simulation import store_response
from surveys.audit import record_download
from surveys.models import AccessPoint, Indicator, InstrumentVersion, Membership, Period, Role
from tests.factories import default_versions, make_access_point, make_period, make_target, make_user

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj)


def test_instrument_version_and_indicator_changes_are_logged_with_who(org):
    version = default_versions()[0]
    with set_actor(org.pusat):
        version.min_seconds_per_item = 3
        version.save()
        indicator = Indicator.objects.filter(version=version).first()
        indicator.statement = "Pernyataan baru"
        indicator.save()
    entry = entries_for(version).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == org.pusat
    assert entry.changes_dict["min_seconds_per_item"] == ["2.00", "3"]
    assert entries_for(indicator).filter(action=LogEntry.Action.UPDATE, actor=org.pusat).exists()


def test_period_changes_and_its_versions_are_logged(org):
    with set_actor(org.pusat):
        period = make_period()
        period.status = Period.Status.CLOSED
        period.save()
    log = entries_for(period)
    assert log.filter(action=LogEntry.Action.CREATE, actor=org.pusat).exists()
    assert log.filter(action=LogEntry.Action.UPDATE, changes__status=["open", "closed"]).exists()
    assert log.filter(changes__instrument_versions__type="m2m").exists()


def test_target_changes_are_logged(org):
    period = make_period()
    with set_actor(org.officer_semarang):
        target = make_target(period, org.semarang.services.first(), population=100)
        target.adjusted_target = 60
        target.save()
    entry = entries_for(target).filter(action=LogEntry.Action.UPDATE).get()
    assert (entry.actor, entry.changes_dict["adjusted_target"]) == (org.officer_semarang, ["None", "60"])


def test_access_point_changes_are_logged_without_the_secret_token(org):
    with set_actor(org.officer_semarang):
        point = make_access_point(org.semarang, name="Loket A")
        point.enabled = False
        point.save()
    log = entries_for(point)
    assert log.filter(action=LogEntry.Action.UPDATE, changes__enabled=["True", "False"]).exists()
    assert not any("token" in (e.changes_dict or {}) for e in log)
    assert point.token not in str(list(log.values_list("changes", flat=True)))


def test_membership_changes_are_logged(org):
    with set_actor(org.pusat):
        user = make_user("staf.baru", role=Role.UPT, unit=org.semarang)
        membership = Membership.objects.get(user=user)
        membership.unit = org.surakarta
        membership.save()
    log = entries_for(membership)
    assert log.filter(action=LogEntry.Action.CREATE, actor=org.pusat).exists()
    assert log.filter(action=LogEntry.Action.UPDATE, actor=org.pusat).exists()


def test_change_through_a_request_records_the_signed_in_user(org, client):
    admin = make_user("admin.pusat", superuser=True)
    period = make_period()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    reply = client.post(f"/admin/surveys/period/{period.pk}/change/", {
        "programme": period.programme, "name": "Triwulan IV 2026 (ubah)", "kind": "quarter",
        "starts_on": "2026-10-01", "ends_on": "2026-12-31", "status": "open",
        "instrument_versions": [v.pk for v in default_versions()],
    })
    assert reply.status_code == 302
    entry = entries_for(period).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == admin
    assert entry.changes_dict["name"] == ["Triwulan IV 2026", "Triwulan IV 2026 (ubah)"]


def test_review_decision_is_logged_with_reviewer_reason_and_status(org):
    period = make_period()
    spak, spkp = default_versions()
    response = store_response(access_point=make_access_point(org.semarang), period=period,
                              created_at=period_noon(period), completion_seconds=5,
                              scores={spak: [4, 4, 4, 4, 3], spkp: [3] * 8})
    review.decide(response_ids=[response.pk], decision="reject", reason="Terlalu cepat",
                  acting_user=org.kanwil_jateng)
    entry = entries_for(ReviewDecision.objects.get()).get()
    assert entry.actor == org.kanwil_jateng
    assert entry.changes_dict["decision"] == [None, "reject"]
    assert entry.changes_dict["status"] == ["accepted", "rejected"]


def period_noon(period):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(period.starts_on + timedelta(days=3), time(12), tzinfo=ZoneInfo("Asia/Jakarta"))


def export_job(org, period):
    return ExportJob.objects.create(requested_by=org.kanwil_jateng, level=Level.KANWIL, kanwil=org.jateng,
                                    period=period, status=ExportJob.Status.DONE, filename="rekap-jateng.xlsx")


def test_export_download_is_logged(org):
    job = export_job(org, make_period())
    record_download(user=org.kanwil_jateng, obj=job, filename="rekap-jateng.xlsx")
    entry = entries_for(job).get()
    assert (entry.action, entry.actor) == (LogEntry.Action.ACCESS, org.kanwil_jateng)
    assert entry.additional_data == {"event": "download", "filename": "rekap-jateng.xlsx"}


# --------------------------------------------------------------------------- the Pusat page
@pytest.fixture
def trail(org):
    period = make_period()
    with set_actor(org.pusat):
        point = make_access_point(org.semarang, name="Loket Barat")
    with set_actor(org.kanwil_diy):
        make_access_point(org.yogyakarta, name="Loket Timur")
    record_download(user=org.kanwil_jateng, obj=export_job(org, period), filename="rekap-jateng.xlsx")
    return point


def test_pusat_searches_the_trail_by_text_person_and_kind(org, login, trail):
    client = login(org.pusat)
    page = client.get("/staf/audit/").content.decode()
    assert "Loket Barat" in page and "Loket Timur" in page and "rekap-jateng.xlsx" in page
    assert "Unduhan" in page

    page = client.get("/staf/audit/?q=Barat").content.decode()
    assert "Loket Barat" in page and "Loket Timur" not in page

    page = client.get("/staf/audit/?pengguna=staf.diy").content.decode()
    assert "Loket Timur" in page and "Loket Barat" not in page

    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(ExportJob).pk
    page = client.get(f"/staf/audit/?jenis={kind}").content.decode()
    assert "rekap-jateng.xlsx" in page and "Loket Barat" not in page

    page = client.get(f"/staf/audit/?aksi={LogEntry.Action.ACCESS}").content.decode()
    assert "rekap-jateng.xlsx" in page and "Loket Barat" not in page


def test_audit_search_by_date(org, login, trail):
    client = login(org.pusat)
    today = date.today()
    assert "Loket Barat" in client.get(f"/staf/audit/?dari={today - timedelta(days=1)}").content.decode()
    assert "Loket Barat" not in client.get(f"/staf/audit/?dari={today + timedelta(days=2)}").content.decode()
    reply = client.get(f"/staf/audit/?dari={today}&sampai={today - timedelta(days=3)}")
    assert reply.status_code == 400
    assert "Tanggal awal harus sebelum tanggal akhir." in reply.content.decode()


@pytest.mark.parametrize("who", ["kanwil_jateng", "officer_semarang"])
def test_only_pusat_may_open_the_audit_trail(org, login, trail, who):
    assert login(getattr(org, who)).get("/staf/audit/").status_code == 403


def test_anonymous_visitor_is_sent_to_login(org, client):
    reply = client.get("/staf/audit/")
    assert reply.status_code == 302 and "/akun/masuk/" in reply["Location"]


def test_nothing_in_the_trail_can_be_changed_through_the_page(org, login, trail):
    client = login(org.pusat)
    before = LogEntry.objects.count()
    assert client.post("/staf/audit/", {"q": "x"}).status_code == 405
    page = client.get("/staf/audit/").content.decode()
    main = page[page.index("<main"):page.index("</main>")]
    assert 'method="post"' not in main and "<textarea" not in main
    assert LogEntry.objects.count() == before
    assert AccessPoint.objects.filter(name="Loket Barat").exists()
    assert InstrumentVersion.objects.exists()
