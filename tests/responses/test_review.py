"""Kanwil review of flagged responses: the decision service, scoping of the queue, and what officers may see."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from responses.models import Response, ReviewDecision, Scoresheet
from responses.review import services as review
from responses.simulation import store_response
from tests.factories import default_versions, make_access_point, make_period

pytestmark = pytest.mark.django_db
JKT = ZoneInfo("Asia/Jakarta")
NOON = datetime(2026, 11, 10, 12, 0, tzinfo=JKT)
RECOMPUTES: list[tuple[int, int]] = []


def record_recompute(*, unit_id, period_id):
    """A real recompute hook for tests: remembers what it was asked to recompute."""
    RECOMPUTES.append((unit_id, period_id))


def failing_recompute(*, unit_id, period_id):
    raise ConnectionError("broker down")


@pytest.fixture
def hook(settings):
    settings.RECOMPUTE_HOOK = "tests.responses.test_review.record_recompute"
    RECOMPUTES.clear()
    return RECOMPUTES


@pytest.fixture
def place(org):
    period = make_period()
    spak, spkp = default_versions()

    def submit(unit, *, seconds=10, at=NOON, spak_scores=(4, 4, 3, 4, 4), point=None):
        point = point or make_access_point(unit)
        return store_response(access_point=point, period=period, created_at=at, completion_seconds=seconds,
                              scores={spak: list(spak_scores), spkp: [4, 3, 4, 4, 3, 4, 4, 3]})

    return type("Place", (), {"org": org, "period": period, "submit": staticmethod(submit)})


def statuses(*responses):
    return [Response.objects.get(pk=r.pk).status for r in responses]


# --------------------------------------------------------------------------- the decision service
def test_reject_changes_response_and_scoresheets_records_decision_and_recomputes(
        place, hook, django_capture_on_commit_callbacks):
    org = place.org
    response = place.submit(org.semarang)
    assert response.flagged
    with django_capture_on_commit_callbacks(execute=True):
        result = review.decide(response_ids=[response.pk], decision="reject", reason="Diisi petugas sendiri",
                               acting_user=org.kanwil_jateng)
    assert (result.decided, result.changed) == (1, 1)
    assert statuses(response) == [Response.Status.REJECTED]
    assert set(Scoresheet.objects.filter(response=response).values_list("status", flat=True)) == {"rejected"}
    assert not Response.objects.counted().filter(pk=response.pk).exists()
    decision = ReviewDecision.objects.get(response=response)
    assert (decision.decision, decision.reason, decision.decided_by) == ("reject", "Diisi petugas sendiri",
                                                                          org.kanwil_jateng)
    assert hook == [(org.semarang.pk, place.period.pk)]


def test_reinstate_counts_the_response_again(place, hook, django_capture_on_commit_callbacks):
    org = place.org
    response = place.submit(org.semarang)
    review.decide(response_ids=[response.pk], decision="reject", reason="x", acting_user=org.kanwil_jateng)
    with django_capture_on_commit_callbacks(execute=True):
        review.decide(response_ids=[response.pk], decision="reinstate", reason="Dikonfirmasi responden asli",
                      acting_user=org.kanwil_jateng)
    assert statuses(response) == [Response.Status.ACCEPTED]
    assert set(Scoresheet.objects.filter(response=response).values_list("status", flat=True)) == {"accepted"}
    assert ReviewDecision.objects.filter(response=response).count() == 2
    assert hook == [(org.semarang.pk, place.period.pk)]


def test_confirming_a_pending_response_records_the_decision_without_recompute(
        place, hook, django_capture_on_commit_callbacks):
    response = place.submit(place.org.semarang)
    with django_capture_on_commit_callbacks(execute=True):
        result = review.decide(response_ids=[response.pk], decision="reinstate", reason="Wajar",
                               acting_user=place.org.kanwil_jateng)
    assert (result.decided, result.changed) == (1, 0)
    assert hook == []


def test_bulk_reject_recomputes_each_affected_unit_once(place, hook, django_capture_on_commit_callbacks):
    org = place.org
    a, b = place.submit(org.semarang), place.submit(org.semarang)
    c = place.submit(org.surakarta)
    with django_capture_on_commit_callbacks(execute=True):
        review.decide(response_ids=[a.pk, b.pk, c.pk], decision="reject", reason="Terlalu cepat",
                      acting_user=org.kanwil_jateng)
    assert statuses(a, b, c) == ["rejected"] * 3
    assert sorted(hook) == sorted([(org.semarang.pk, place.period.pk), (org.surakarta.pk, place.period.pk)])


@pytest.mark.parametrize("reason", ["", "   "])
def test_reason_is_mandatory_and_nothing_changes_without_one(place, reason):
    response = place.submit(place.org.semarang)
    with pytest.raises(ValidationError):
        review.decide(response_ids=[response.pk], decision="reject", reason=reason,
                      acting_user=place.org.kanwil_jateng)
    assert statuses(response) == ["accepted"]
    assert not ReviewDecision.objects.exists()


def test_officer_cannot_review_their_own_units_responses(place):
    response = place.submit(place.org.semarang)
    with pytest.raises(PermissionDenied):
        review.decide(response_ids=[response.pk], decision="reject", reason="x",
                      acting_user=place.org.officer_semarang)
    assert statuses(response) == ["accepted"]
    assert not ReviewDecision.objects.exists()


def test_kanwil_cannot_decide_on_another_region_and_a_mixed_batch_writes_nothing(place):
    org = place.org
    mine, theirs = place.submit(org.semarang), place.submit(org.yogyakarta)
    with pytest.raises(Response.DoesNotExist):
        review.decide(response_ids=[mine.pk, theirs.pk], decision="reject", reason="x",
                      acting_user=org.kanwil_jateng)
    assert statuses(mine, theirs) == ["accepted", "accepted"]
    assert not ReviewDecision.objects.exists()


def test_unflagged_responses_are_not_reviewable(place):
    clean = place.submit(place.org.semarang, seconds=300)
    assert not clean.flagged
    with pytest.raises(Response.DoesNotExist):
        review.decide(response_ids=[clean.pk], decision="reject", reason="x", acting_user=place.org.kanwil_jateng)


def test_a_failing_or_missing_recompute_hook_never_undoes_the_decision(place, settings,
                                                                       django_capture_on_commit_callbacks):
    response = place.submit(place.org.semarang)
    settings.RECOMPUTE_HOOK = "tests.responses.test_review.failing_recompute"
    with django_capture_on_commit_callbacks(execute=True):
        review.decide(response_ids=[response.pk], decision="reject", reason="x", acting_user=place.org.pusat)
    settings.RECOMPUTE_HOOK = "reporting.no_such_module.queue"
    with django_capture_on_commit_callbacks(execute=True):
        review.decide(response_ids=[response.pk], decision="reinstate", reason="y", acting_user=place.org.pusat)
    assert ReviewDecision.objects.filter(response=response).count() == 2


def test_each_decision_is_in_the_audit_trail_with_reason_and_status_change(place):
    response = place.submit(place.org.semarang)
    review.decide(response_ids=[response.pk], decision="reject", reason="Diisi petugas",
                  acting_user=place.org.kanwil_jateng)
    entry = LogEntry.objects.get_for_object(ReviewDecision.objects.get()).get()
    assert entry.actor == place.org.kanwil_jateng
    assert entry.changes_dict["reason"] == [None, "Diisi petugas"]
    assert entry.changes_dict["status"] == ["accepted", "rejected"]


# --------------------------------------------------------------------------- the queue pages
def test_officer_gets_403_on_the_queue_and_on_a_responses_evidence(place, login):
    response = place.submit(place.org.semarang)
    client = login(place.org.officer_semarang)
    assert client.get("/staf/tinjauan/").status_code == 403
    assert client.get(f"/staf/tinjauan/jawaban/{response.pk}/").status_code == 403
    posted = client.post("/staf/tinjauan/", {"response": [response.pk], "decision": "reject", "reason": "x"})
    assert posted.status_code == 403
    assert statuses(response) == ["accepted"]


def test_kanwil_queue_lists_only_their_regions_flagged_responses(place, login):
    org = place.org
    mine = place.submit(org.semarang)
    theirs = place.submit(org.yogyakarta)
    page = login(org.kanwil_jateng).get("/staf/tinjauan/").content.decode()
    assert f"#{mine.pk}<" in page and "Lapas Kelas I Semarang" in page
    assert f"#{theirs.pk}<" not in page and "Lapas Kelas IIA Yogyakarta" not in page


def test_kanwil_gets_404_for_another_regions_response_and_unit_filter(place, login):
    org = place.org
    theirs = place.submit(org.yogyakarta)
    client = login(org.kanwil_jateng)
    assert client.get(f"/staf/tinjauan/jawaban/{theirs.pk}/").status_code == 404
    assert client.get("/staf/tinjauan/?upt=lapas-yogyakarta").status_code == 404
    assert client.get("/staf/tinjauan/?aturan=nonsense").status_code == 400
    posted = client.post("/staf/tinjauan/", {"response": [theirs.pk], "decision": "reject", "reason": "x"})
    assert posted.status_code == 404
    assert statuses(theirs) == ["accepted"]


def test_pusat_sees_every_regions_flagged_responses(place, login):
    a, b = place.submit(place.org.semarang), place.submit(place.org.yogyakarta)
    page = login(place.org.pusat).get("/staf/tinjauan/").content.decode()
    assert f"#{a.pk}<" in page and f"#{b.pk}<" in page


def test_bulk_decision_without_reason_is_a_400_with_a_message_and_changes_nothing(place, login):
    a, b = place.submit(place.org.semarang), place.submit(place.org.semarang)
    reply = login(place.org.kanwil_jateng).post(
        "/staf/tinjauan/", {"response": [a.pk, b.pk], "decision": "reject", "reason": "  "})
    assert reply.status_code == 400
    assert "Alasan wajib diisi." in reply.content.decode()
    assert statuses(a, b) == ["accepted", "accepted"]
    assert not ReviewDecision.objects.exists()


def test_bulk_decision_without_a_selection_is_a_400(place, login):
    place.submit(place.org.semarang)
    reply = login(place.org.kanwil_jateng).post("/staf/tinjauan/", {"decision": "reject", "reason": "x"})
    assert reply.status_code == 400
    assert "Pilih minimal satu jawaban." in reply.content.decode()


def test_bulk_reject_from_the_queue(place, login, hook, django_capture_on_commit_callbacks):
    a, b = place.submit(place.org.semarang), place.submit(place.org.semarang)
    client = login(place.org.kanwil_jateng)
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post("/staf/tinjauan/?upt=lapas-semarang",
                            {"response": [a.pk, b.pk], "decision": "reject", "reason": "Satu perangkat"})
    assert reply.status_code == 302 and reply["Location"] == "/staf/tinjauan/?upt=lapas-semarang"
    assert statuses(a, b) == ["rejected", "rejected"]
    assert hook == [(place.org.semarang.pk, place.period.pk)]
    page = client.get(reply["Location"]).content.decode()
    assert "2 jawaban ditolak" in page
    # decided responses leave the "not yet reviewed" list and appear under "rejected"
    assert f"#{a.pk}<" not in page
    assert f"#{a.pk}<" in client.get("/staf/tinjauan/?status=ditolak").content.decode()


def test_single_decision_from_the_evidence_page(place, login):
    response = place.submit(place.org.semarang)
    client = login(place.org.kanwil_jateng)
    url = f"/staf/tinjauan/jawaban/{response.pk}/"
    assert client.post(url, {"decision": "reject", "reason": ""}).status_code == 400
    reply = client.post(url, {"decision": "reject", "reason": "Terlalu cepat untuk dibaca"})
    assert reply.status_code == 302
    page = client.get(url).content.decode()
    assert "Terlalu cepat untuk dibaca" in page and "Ditolak peninjau" in page


def test_evidence_page_shows_times_and_identical_vectors_side_by_side(place, login):
    point = make_access_point(place.org.semarang, name="Tablet kios", kiosk=True)
    burst = [place.submit(place.org.semarang, seconds=200, point=point, spak_scores=(4, 4, 4, 3, 4),
                          at=NOON + timedelta(minutes=k)) for k in range(6)]
    page = login(place.org.kanwil_jateng).get(f"/staf/tinjauan/jawaban/{burst[0].pk}/").content.decode()
    assert "6 jawaban identik di satu titik akses dalam 10 menit." in page
    assert page.count("SPAK: 4 4 4 3 4") == 7  # this response, then the six side by side
    assert page.count('class="table-warning"') == 6
    assert "10 Nov 2026 12:05" in page and "12:05:00" not in page  # to the minute (docs/privacy.md)


def test_queue_summary_counts_flags_per_unit_and_rule(place):
    org = place.org
    place.submit(org.semarang)  # too fast (10 s < 26 s)
    place.submit(org.semarang, seconds=300, at=datetime(2026, 11, 10, 22, 0, tzinfo=JKT))  # outside hours
    rows = review.summary_by_unit_and_rule(review.reviewable(org.kanwil_jateng))
    assert [r["unit"].code for r in rows] == ["lapas-semarang"]
    counts = {rule: c["total"] for rule, _label, c in rows[0]["rules"]}
    assert counts["too_fast"] == 1 and counts["outside_hours"] == 1 and counts["burst"] == 0
    assert (rows[0]["flagged"], rows[0]["pending"], rows[0]["rejected"]) == (2, 2, 0)


# --------------------------------------------------------------------------- officers' flag counts
def test_officer_sees_their_units_flag_counts_but_no_review_link(place, login, settings):
    settings.DISCLOSURE_MIN_CELL = 1  # the counts themselves; small ones read "< k" (tests/reporting/test_disclosure)
    org = place.org
    a = place.submit(org.semarang)
    place.submit(org.semarang, seconds=300)
    review.decide(response_ids=[a.pk], decision="reject", reason="x", acting_user=org.kanwil_jateng)
    client = login(org.officer_semarang)
    reply = client.get("/staf/upt/lapas-semarang/tanda-validitas/")
    assert reply.status_code == 200
    counts = reply.context["counts"]
    assert (counts["total"], counts["flagged"], counts["rejected"], counts["pending"]) == (2, 1, 1, 0)
    assert "rules" not in counts and "Buka antrean tinjauan" not in reply.content.decode()


def test_officers_flag_page_and_guide_give_no_rule_counts_or_thresholds(place, login):
    org = place.org
    place.submit(org.semarang)
    client = login(org.officer_semarang)
    page = client.get("/staf/upt/lapas-semarang/tanda-validitas/").content.decode()
    assert "Terlalu cepat" not in page and "Aturan" not in page
    guide = client.get(reverse("guide")).content.decode()
    for threshold in ("2 detik", "24 jam", "lebih dari 5", "10 menit", "30 menit"):
        assert threshold not in guide
    public = Client().get(reverse("methodology")).content.decode()
    assert "24 jam" not in public and "Aturan dan ambang penandaan" not in public
    reviewer = login(org.kanwil_jateng).get(reverse("methodology")).content.decode()
    assert "Aturan dan ambang penandaan" in reviewer and "dalam 24 jam" in reviewer
    assert "Terlalu cepat" in login(org.kanwil_jateng).get("/staf/upt/lapas-semarang/tanda-validitas/").content.decode()


def test_officer_gets_404_on_another_units_flag_counts(place, login):
    client = login(place.org.officer_semarang)
    assert client.get("/staf/upt/rutan-surakarta/tanda-validitas/").status_code == 404
    assert login(place.org.kanwil_jateng).get("/staf/upt/lapas-yogyakarta/tanda-validitas/").status_code == 404


def test_navigation_offers_the_queue_to_reviewers_and_flag_counts_to_officers(place, login):
    page = login(place.org.kanwil_jateng).get("/staf/").content.decode()
    assert 'href="/staf/tinjauan/"' in page
    page = login(place.org.officer_semarang).get("/staf/").content.decode()
    assert 'href="/staf/tinjauan/"' not in page
    assert 'href="/staf/upt/lapas-semarang/tanda-validitas/"' in page


def test_burst_job_is_scheduled_every_five_minutes(settings):
    from spakspkp.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["detect-bursts"]
    assert entry["task"] == "responses.tasks.detect_bursts" and entry["schedule"] == 300
    app.loader.import_default_modules()  # what a worker or beat does at start (runs autodiscovery)
    assert "responses.tasks.detect_bursts" in app.tasks
