"""Window-level signals (responses/windows.py) at and around their thresholds, with an injected clock, and a
Kanwil decision on a window: it rejects or reinstates the window's responses, is audited and recomputes.

Defaults: an hour is improbable when P(X >= n) < 0.0001 under Poisson(rate) with n >= 10, the rate being the
90 % quantile of the place's active hours (never below 2). With a history of 2 an hour, P(X >= 9) = 0.00024
and P(X >= 10) = 0.000046: nine is not a window, ten is.
"""
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry

from responses import windows
from responses.models import Flag, RefusedSubmission, Response, ReviewDecision, ReviewWindow
from responses.review import services as review
from responses.simulation import store_response
from tests.factories import default_versions, make_access_point, make_period

from . import hooks

pytestmark = pytest.mark.django_db
JKT = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=JKT)


@pytest.fixture
def place(org):
    period = make_period()
    spak, spkp = default_versions()
    counter = make_access_point(org.semarang, name="Loket")
    kiosk = make_access_point(org.semarang, name="Kios", kiosk=True)

    def rows(count, *, at, point=None, spacing=timedelta(minutes=1), seconds=60, device=""):
        """`count` responses at `point` from `at`, `spacing` apart (no scoresheets: volume needs none)."""
        point = point or counter
        made = [Response(idempotency_key=uuid.uuid4(), period=period, unit=org.semarang, access_point=point,
                         service=org.semarang.services.first(), channel=point.channel, created_at=at + k * spacing,
                         completion_seconds=seconds, device_hash=device) for k in range(count)]
        return Response.objects.bulk_create(made)

    def history(per_hour=2, days=10):
        for day in range(1, days + 1):
            for hour in (9, 10, 11):
                rows(per_hour, at=NOW.replace(hour=hour) - timedelta(days=day + 2))

    return type("Place", (), {"org": org, "period": period, "counter": counter, "kiosk": kiosk, "rows": rows,
                              "history": history, "spak": spak, "spkp": spkp})


def kinds(found):
    return sorted((w.kind, w.access_point_id is not None, len(w.response_ids)) for w in found)


# --------------------------------------------------------------------------- the maths
def test_poisson_tail_by_hand():
    assert windows.poisson_tail(0, 2.0) == 1.0
    assert windows.poisson_tail(1, 2.0) == pytest.approx(1 - 0.135335, abs=1e-6)
    assert windows.poisson_tail(10, 2.0) == pytest.approx(4.65e-5, rel=0.01)


def test_baseline_is_a_high_quantile_of_active_hours_with_a_floor():
    assert windows.baseline_rate([]) == 2.0
    assert windows.baseline_rate([1] * 20) == 2.0
    assert windows.baseline_rate([3] * 9 + [50]) == 50.0  # 10 hours: the 90 % quantile is the top one
    assert windows.baseline_rate([3] * 19 + [50]) == 3.0  # one spike in 20 hours does not raise it


# --------------------------------------------------------------------------- volume
@pytest.mark.parametrize(("count", "window"), [(9, False), (10, True)])
def test_an_hour_far_above_the_units_own_baseline_is_a_window(place, count, window):
    place.history()
    burst = place.rows(count, at=NOW.replace(hour=14))
    found = windows.detect_windows(now=NOW)
    assert bool(found) is window
    if window:
        assert kinds(found) == [("volume", False, count), ("volume", True, count)]
        unit_window = next(w for w in found if w.access_point_id is None)
        assert unit_window.response_ids == sorted(r.pk for r in burst)
        assert unit_window.evidence["baseline_rate"] == 2.0 and unit_window.evidence["history_hours"] == 30
        assert not Flag.objects.exists()  # reviewable as a window, not flagged one by one


def test_a_busy_unit_is_judged_against_its_own_busy_history(place, settings):
    place.history(per_hour=12)
    place.rows(14, at=NOW.replace(hour=14))
    assert windows.detect_windows(now=NOW) == []
    settings.VALIDITY_WINDOW_VOLUME_P = 0.5  # the threshold is a setting
    assert windows.detect_windows(now=NOW)


def test_the_window_job_is_idempotent(place):
    place.history()
    place.rows(12, at=NOW.replace(hour=14))
    assert len(windows.detect_windows(now=NOW)) == 2
    assert windows.detect_windows(now=NOW + timedelta(minutes=15)) == []
    assert ReviewWindow.objects.count() == 2


def test_refusals_at_the_access_point_are_evidence_of_a_volume_window(place):
    place.history()
    place.rows(12, at=NOW.replace(hour=14))
    RefusedSubmission.objects.create(access_point=place.counter, device_hash="x" * 64,
                                     hour=NOW.replace(hour=14), count=3)
    window = ReviewWindow.objects.none()
    windows.detect_windows(now=NOW)
    window = ReviewWindow.objects.get(access_point=place.counter)
    assert window.evidence["refused"] == 3


# --------------------------------------------------------------------------- kiosk cadence
@pytest.mark.parametrize(("count", "window"), [(5, False), (6, True)])
def test_kiosk_forms_opened_sooner_than_a_person_can_walk_up(place, count, window):
    # Submitted 70 s apart after 60 s each: each form opened 10 s after the previous submission (< 20 s).
    # The first has no previous submission, so `count` responses give count - 1 quick ones.
    place.rows(count, at=NOW.replace(hour=13), point=place.kiosk, spacing=timedelta(seconds=70), seconds=60)
    found = [w for w in windows.detect_windows(now=NOW) if w.kind == ReviewWindow.Kind.KIOSK_CADENCE]
    assert bool(found) is window
    if window:
        assert len(found[0].response_ids) == count - 1 and found[0].evidence["shortest_gap_seconds"] == 10


def test_a_busy_honest_kiosk_is_not_a_cadence_window(place):
    # People take turns: each form opened 30 s after the previous submission.
    place.rows(20, at=NOW.replace(hour=13), point=place.kiosk, spacing=timedelta(seconds=90), seconds=60)
    assert [w for w in windows.detect_windows(now=NOW) if w.kind == ReviewWindow.Kind.KIOSK_CADENCE] == []


# --------------------------------------------------------------------------- refused submissions
@pytest.mark.parametrize(("refused", "window"), [(9, False), (10, True)])
def test_a_device_refused_again_and_again_is_a_window_with_its_stored_responses(place, refused, window):
    phone = "a" * 64
    stored = place.rows(3, at=NOW.replace(hour=10), device=phone)
    place.rows(2, at=NOW.replace(hour=10), device="b" * 64)
    RefusedSubmission.objects.create(access_point=place.counter, device_hash=phone, hour=NOW.replace(hour=11),
                                     count=refused)
    found = [w for w in windows.detect_windows(now=NOW) if w.kind == ReviewWindow.Kind.REFUSALS]
    assert bool(found) is window
    if window:
        assert found[0].response_ids == [r.pk for r in stored] and found[0].evidence["refused"] == refused


# --------------------------------------------------------------------------- decisions
@pytest.fixture
def window(place):
    place.history()
    place.rows(12, at=NOW.replace(hour=14))
    windows.detect_windows(now=NOW)
    return ReviewWindow.objects.get(access_point=None)


def test_rejecting_a_window_rejects_its_responses_is_audited_and_recomputes(
        place, window, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = review.decide_window(window_id=window.pk, decision="reject", reason="Petugas mengisi sendiri",
                                      acting_user=place.org.kanwil_jateng, now=NOW)
    assert result.changed == 12
    assert set(Response.objects.filter(pk__in=window.response_ids).values_list("status", flat=True)) == {"rejected"}
    assert ReviewDecision.objects.filter(response_id__in=window.response_ids).count() == 12
    window.refresh_from_db()
    assert (window.status, window.decided_by, window.reason) == ("rejected", place.org.kanwil_jateng,
                                                                 "Petugas mengisi sendiri")
    entry = LogEntry.objects.get(additional_data__event="window_decision")
    assert entry.actor == place.org.kanwil_jateng and entry.changes_dict["status"] == ["open", "rejected"]
    assert {"unit_id": place.org.semarang.pk, "period_id": place.period.pk} in hooks.calls

    review.decide_window(window_id=window.pk, decision="reinstate", reason="Ternyata rombongan",
                         acting_user=place.org.kanwil_jateng, now=NOW)
    assert set(Response.objects.filter(pk__in=window.response_ids).values_list("status", flat=True)) == {"accepted"}


def test_queue_shows_open_windows_and_decides_them_through_the_page(place, window, login):
    client = login(place.org.kanwil_jateng)
    page = client.get("/staf/tinjauan/").content.decode()
    assert f'data-window="{window.pk}"' in page and "Lonjakan jumlah jawaban" in page
    reply = client.post(f"/staf/tinjauan/jendela/{window.pk}/", {"decision": "reject", "reason": "Lonjakan"})
    assert reply.status_code == 302
    assert Response.objects.filter(pk__in=window.response_ids, status="rejected").count() == 12
    assert f'data-window="{window.pk}"' not in client.get("/staf/tinjauan/").content.decode()


def test_windows_are_out_of_reach_outside_the_reviewers_region(place, window, login):
    assert f'data-window="{window.pk}"' not in login(place.org.kanwil_diy).get("/staf/tinjauan/").content.decode()
    reply = login(place.org.kanwil_diy).post(f"/staf/tinjauan/jendela/{window.pk}/",
                                             {"decision": "reject", "reason": "x"})
    assert reply.status_code == 404
    assert login(place.org.officer_semarang).post(f"/staf/tinjauan/jendela/{window.pk}/",
                                                  {"decision": "reject", "reason": "x"}).status_code in (403, 404)
    assert not Response.objects.filter(status="rejected").exists()


def test_a_window_decision_needs_a_reason(place, window):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        review.decide_window(window_id=window.pk, decision="reject", reason=" ", acting_user=place.org.kanwil_jateng)
    assert ReviewWindow.objects.get(pk=window.pk).status == "open"


def test_window_job_is_in_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["detect-windows"]["task"] == "responses.tasks.detect_windows"


def test_store_response_is_used_for_real_submissions_too(place):
    """A kiosk run of full submissions (with scoresheets) is found as well."""
    for k in range(7):
        store_response(access_point=place.kiosk, period=place.period, scores={
            place.spak: [4, 3, 4, 3, k % 4 + 1], place.spkp: [3, 4, 3, 3, 4, 3, 3, 4]},
            created_at=NOW.replace(hour=13) + timedelta(seconds=40 * k), completion_seconds=35)
    assert [w.kind for w in windows.detect_windows(now=NOW)] == ["kiosk_cadence"]


def test_a_jump_lasting_days_does_not_become_its_own_baseline(place):
    place.history()
    for day in (2, 1, 0):  # the same surge at 09:00 on three days, the job running each evening
        place.rows(12, at=NOW.replace(hour=9) - timedelta(days=day))
        windows.detect_windows(now=NOW - timedelta(days=day))
    starts = sorted({w.starts_at for w in ReviewWindow.objects.filter(access_point=None)})
    assert len(starts) == 3
