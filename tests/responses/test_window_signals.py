"""The window signals added to the window job (responses/windows.py): an access point's answer-distribution shift
and responses above the service count a unit entered; and ticketed responses never making a burst. Each at and
around its threshold with an injected clock, and a Kanwil decision on each new kind (rejects or reinstates its
responses, audited, recomputed).

Answer shift, defaults: a day at an access point with at least 10 responses; each reference (the unit's other
access points, the Kanwil's other units) with at least 30 responses over the 28 days up to that day; a window
when every such reference gives a one-sided Fisher exact p below 0.001. Hand-worked, against references of 30
responses of which 15 have a low score (1 or 2 on the 1-4 scale): a day of n responses without any low score
has p = C(15 + n, n) / C(30 + n, n): n = 13 gives C(28,13)/C(43,13) = 0.00102 (no window), n = 14 gives
C(29,14)/C(44,14) = 0.00067 (window).
"""
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry

from responses import bursts, windows
from responses.models import Flag, Response, ReviewDecision, ReviewWindow
from responses.review import services as review
from responses.services import submit_response
from responses.simulation import store_response
from surveys.models import ServiceCount
from tests.factories import default_versions, make_access_point, make_period

from . import hooks

pytestmark = pytest.mark.django_db
JKT = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=JKT)  # Friday; the scan covers 18-20 November
Kind = ReviewWindow.Kind


@pytest.fixture
def place(org):
    period = make_period()
    spak, spkp = default_versions()
    visit, deposit = org.semarang.services.order_by("name")
    points = {
        "counter": make_access_point(org.semarang, name="Loket", service=visit),
        "poster": make_access_point(org.semarang, name="Poster ruang tunggu", service=visit),
        "surakarta": make_access_point(org.surakarta, name="Loket Surakarta"),
        "yogyakarta": make_access_point(org.yogyakarta, name="Loket Yogyakarta"),
    }

    def answer(point, at, *, low=False, k=0, service=None):
        """One full response: varied favourable answers (3 and 4), or with one 2 (a score in the lower half)."""
        spak_scores = [3 + (k + i) % 2 for i in range(5)]
        spkp_scores = [4 - (k * 3 + i) % 2 for i in range(8)]
        if low:
            spkp_scores[k % 8] = 2
        return store_response(access_point=points[point], period=period, scores={spak: spak_scores, spkp: spkp_scores},
                              created_at=at, completion_seconds=120, device_hash=f"{point}-{at:%d%H%M}-{k}",
                              service=service)

    def reference(point, n=30, low=15, first_day=10):
        """`n` responses at `point` over five days before the scan, the first `low` of them with a low score."""
        for k in range(n):
            answer(point, datetime(2026, 11, first_day + k % 5, 9, tzinfo=JKT) + timedelta(minutes=7 * k),
                   low=k < low, k=k)

    def poster_day(n, *, low=0, start=None, k0=0):
        start = start or NOW.replace(hour=8)
        return [answer("poster", start + timedelta(minutes=20 * k), low=k < low, k=k0 + k) for k in range(n)]

    return type("Place", (), {"org": org, "period": period, "answer": answer, "reference": reference,
                              "poster_day": poster_day, "points": points, "visit": visit, "deposit": deposit})


def shift_windows(now=NOW):
    return [w for w in windows.detect_windows(now=now) if w.kind == Kind.ANSWER_SHIFT]


# --------------------------------------------------------------------------- the maths
def test_fisher_lower_tail_by_hand():
    assert windows.fisher_lower_tail(0, 13, 15, 30) == pytest.approx(37442160 / 36576848168, rel=1e-9)
    assert windows.fisher_lower_tail(0, 14, 15, 30) == pytest.approx(77558760 / 114955808528, rel=1e-9)
    assert windows.fisher_lower_tail(5, 10, 15, 30) > 0.5  # half low, like the reference: nothing odd
    assert windows.fisher_lower_tail(0, 0, 15, 30) == 1.0


# --------------------------------------------------------------------------- answer shift
@pytest.mark.parametrize(("n", "window"), [(13, False), (14, True)])
def test_a_poster_with_almost_no_low_scores_against_its_unit_and_kanwil_is_a_window(place, n, window):
    place.reference("counter")
    place.reference("surakarta")
    day = place.poster_day(n)
    found = shift_windows()
    assert bool(found) is window
    if window:
        (w,) = found
        assert (w.unit, w.access_point, w.response_ids) == (place.org.semarang, place.points["poster"],
                                                           sorted(r.pk for r in day))
        assert w.starts_at == datetime(2026, 11, 20, tzinfo=JKT) and w.ends_at == datetime(2026, 11, 21, tzinfo=JKT)
        assert (w.evidence["responses"], w.evidence["low"]) == (14, 0)
        assert (w.evidence["unit_rest"]["responses"], w.evidence["unit_rest"]["low"]) == (30, 15)
        assert (w.evidence["kanwil_rest"]["responses"], w.evidence["kanwil_rest"]["low"]) == (30, 15)
        assert w.evidence["unit_rest"]["p_value"] == pytest.approx(0.000675, rel=0.01)
        assert not Flag.objects.filter(rule="burst").exists()  # a window, not flags one by one


def test_one_low_score_among_fourteen_is_not_a_window(place):
    place.reference("counter")
    place.reference("surakarta")
    place.poster_day(14, low=1)  # p = 0.0056 against each reference
    assert shift_windows() == []


def test_a_unit_whose_other_points_are_as_favourable_is_not_a_window(place):
    """The Kanwil differs but the rest of the unit does not: every reference must find the day improbable."""
    place.reference("counter", low=0)
    place.reference("surakarta")
    place.poster_day(20)
    assert shift_windows() == []


def test_a_reference_below_the_minimum_is_left_out(place, settings):
    place.reference("counter", n=29, low=15)  # too few to judge by: only the Kanwil is compared with
    place.reference("surakarta")
    place.poster_day(14)
    (w,) = shift_windows()
    assert w.evidence["unit_rest"] is None and w.evidence["kanwil_rest"]["responses"] == 30
    assert windows.detect_windows(now=NOW) == []  # idempotent
    settings.VALIDITY_SHIFT_MIN_REFERENCE = 31  # no reference left: nothing to compare with, no window
    ReviewWindow.objects.all().delete()
    assert shift_windows() == []


def test_other_kanwils_are_no_reference(place):
    place.reference("counter", n=29)
    place.reference("yogyakarta")  # Kanwil DIY
    place.poster_day(20)
    assert shift_windows() == []


@pytest.mark.parametrize(("setting", "value"), [("VALIDITY_SHIFT_MIN_N", 15), ("VALIDITY_SHIFT_P", 0.0006)])
def test_the_shift_thresholds_are_settings(place, settings, setting, value):
    place.reference("counter")
    place.reference("surakarta")
    place.poster_day(14)
    setattr(settings, setting, value)
    assert shift_windows() == []


def test_an_open_shift_window_is_extended_by_later_runs_not_recorded_again(place):
    place.reference("counter")
    place.reference("surakarta")
    first = place.poster_day(14)
    (w,) = shift_windows(now=NOW.replace(hour=13))
    later = place.poster_day(2, start=NOW.replace(hour=14), k0=14)
    assert shift_windows(now=NOW) == []
    w.refresh_from_db()
    assert ReviewWindow.objects.filter(kind=Kind.ANSWER_SHIFT).count() == 1
    assert w.response_ids == sorted(r.pk for r in first + later) and w.evidence["responses"] == 16


def test_rejecting_a_shift_window_rejects_its_day_audited_and_recomputed(
        place, django_capture_on_commit_callbacks):
    place.reference("counter")
    place.reference("surakarta")
    place.poster_day(14)
    (w,) = shift_windows()
    with django_capture_on_commit_callbacks(execute=True):
        result = review.decide_window(window_id=w.pk, decision="reject", reason="Petugas mengisi di poster",
                                      acting_user=place.org.kanwil_jateng, now=NOW)
    assert result.changed == 14
    assert set(Response.objects.filter(pk__in=w.response_ids).values_list("status", flat=True)) == {"rejected"}
    assert ReviewDecision.objects.filter(response_id__in=w.response_ids, decision="reject").count() == 14
    entry = LogEntry.objects.get(additional_data__event="window_decision")
    assert entry.actor == place.org.kanwil_jateng and entry.changes_dict["status"] == ["open", "rejected"]
    assert {"unit_id": place.org.semarang.pk, "period_id": place.period.pk} in hooks.calls
    assert windows.detect_windows(now=NOW + timedelta(minutes=15)) == []  # rejected: not counted, not found again
    review.decide_window(window_id=w.pk, decision="reinstate", reason="Rombongan puas",
                         acting_user=place.org.kanwil_jateng, now=NOW)
    assert set(Response.objects.filter(pk__in=w.response_ids).values_list("status", flat=True)) == {"accepted"}
    assert windows.detect_windows(now=NOW + timedelta(minutes=30)) == []  # decided: not recorded again
    assert ReviewWindow.objects.get(pk=w.pk).status == "reinstated"


def test_the_queue_says_what_a_shift_window_compared(place, login):
    place.reference("counter")
    place.reference("surakarta")
    place.poster_day(14)
    (w,) = shift_windows()
    page = login(place.org.kanwil_jateng).get("/staf/tinjauan/").content.decode()
    assert f'data-window="{w.pk}"' in page and "Sebaran jawaban menyimpang" in page
    assert "0 dari 14 jawaban (0 %) memuat nilai di paruh bawah skala" in page
    assert "Titik akses lain UPT ini (28 hari terakhir): 15 dari 30 (50 %)" in page and "p = 0,0007" in page
    assert login(place.org.officer_semarang).get("/staf/tinjauan/").status_code in (403, 404)


# --------------------------------------------------------------------------- responses above the service count
def service_windows(now=NOW):
    return [w for w in windows.detect_windows(now=now) if w.kind == Kind.SERVICE_DAY]


def visits(place, n, day=19, service=None):
    return [place.answer("counter", datetime(2026, 11, day, 9, tzinfo=JKT) + timedelta(minutes=30 * k), k=k,
                         service=service or place.visit) for k in range(n)]


@pytest.mark.parametrize(("responses", "window"), [(3, False), (4, True)])
def test_a_day_with_responses_above_services_becomes_a_review_window(place, responses, window):
    ServiceCount.objects.create(service=place.visit, day=date(2026, 11, 19), served=3)
    made = visits(place, responses)
    found = service_windows()
    assert bool(found) is window
    if window:
        (w,) = found
        assert (w.unit, w.service, w.access_point, w.response_ids) == (place.org.semarang, place.visit, None,
                                                                      sorted(r.pk for r in made))
        assert w.starts_at == datetime(2026, 11, 19, tzinfo=JKT)
        assert w.evidence == {"responses": 4, "served": 3, "recorded": True}


def test_responses_on_a_day_with_zero_or_no_recorded_service_are_a_window(place):
    ServiceCount.objects.create(service=place.deposit, day=date(2026, 11, 19), served=5)  # entered through the 19th
    ServiceCount.objects.create(service=place.visit, day=date(2026, 11, 18), served=0)
    visits(place, 1, day=18)
    visits(place, 2, day=19)  # no count entered for visits on the 19th
    found = sorted(service_windows(), key=lambda w: w.starts_at)
    assert [(w.starts_at.day, w.evidence) for w in found] == [
        (18, {"responses": 1, "served": 0, "recorded": True}), (19, {"responses": 2, "served": 0, "recorded": False})]


def test_days_not_yet_entered_and_units_without_counts_are_not_judged(place):
    ServiceCount.objects.create(service=place.visit, day=date(2026, 11, 18), served=10)
    visits(place, 3, day=19)  # the unit has entered counts through the 18th only
    place.answer("surakarta", NOW.replace(hour=9))  # Surakarta enters no counts at all
    assert service_windows() == []


def test_a_corrected_count_updates_the_open_window_and_rejecting_it_is_audited(
        place, login, django_capture_on_commit_callbacks):
    count = ServiceCount.objects.create(service=place.visit, day=date(2026, 11, 19), served=3)
    visits(place, 5)
    (w,) = service_windows()
    count.served = 2
    count.save()
    assert service_windows(now=NOW + timedelta(minutes=15)) == []
    w.refresh_from_db()
    assert w.evidence["served"] == 2
    page = login(place.org.kanwil_jateng).get("/staf/tinjauan/").content.decode()
    assert "Jawaban melebihi jumlah layanan" in page
    assert "5 jawaban untuk layanan Kunjungan keluarga, padahal tercatat 2 orang dilayani hari itu." in page
    with django_capture_on_commit_callbacks(execute=True):
        reply = login(place.org.kanwil_jateng).post(f"/staf/tinjauan/jendela/{w.pk}/",
                                                    {"decision": "reject", "reason": "Tidak ada layanan sebanyak itu"})
    assert reply.status_code == 302
    assert Response.objects.filter(pk__in=w.response_ids, status="rejected").count() == 5
    assert LogEntry.objects.filter(additional_data__event="window_decision", additional_data__window_id=w.pk).exists()
    assert {"unit_id": place.org.semarang.pk, "period_id": place.period.pk} in hooks.calls
    assert service_windows(now=NOW + timedelta(minutes=30)) == []
    assert login(place.org.kanwil_diy).post(f"/staf/tinjauan/jendela/{w.pk}/",
                                            {"decision": "reinstate", "reason": "x"}).status_code == 404


# --------------------------------------------------------------------------- tickets and bursts
def identical(place, channel, count=8):
    """`count` identical answer sets at one access point within seven minutes, through the submit service."""
    spak, spkp = default_versions()
    answers = {spak.pk: dict.fromkeys(range(1, 6), 3), spkp.pk: {p: 3 + p % 2 for p in range(1, 9)}}
    return [submit_response(access_point=place.points["counter"], period=place.period, service=place.visit,
                            answers=answers, idempotency_key=uuid.uuid4(), completion_seconds=90,
                            device_hash=uuid.uuid4().hex * 2, device_class="mobile", checked=True,
                            now=NOW.replace(hour=10) + timedelta(minutes=k), channel=channel)[0]
            for k in range(count)]


@pytest.mark.parametrize(("channel", "flagged"), [("ticket", 0), (None, 8)])
def test_identical_ticketed_sets_are_no_burst_but_the_same_by_poster_are(place, channel, flagged):
    made = identical(place, channel)
    bursts.detect_bursts(since=NOW.replace(hour=9), until=NOW, now=NOW)
    assert Flag.objects.filter(rule="burst", response__in=made).count() == flagged
    assert Response.objects.filter(pk__in=[r.pk for r in made], flagged=True).count() == flagged


def test_ticketed_sets_do_not_make_a_poster_burst_either(place):
    """Five poster sets plus three identical ticketed ones: five is not more than five."""
    made = identical(place, "ticket", count=3) + identical(place, None, count=5)
    bursts.detect_bursts(since=NOW.replace(hour=9), until=NOW, now=NOW)
    assert not Flag.objects.filter(rule="burst", response__in=made).exists()


def test_window_evidence_reads_in_english_too(place):
    from django.utils import translation

    from responses.review.views import explain_window

    window = ReviewWindow(kind=Kind.SERVICE_DAY, unit=place.org.semarang, service=place.visit,
                          evidence={"responses": 4, "served": 0, "recorded": False})
    with translation.override("en"):
        assert window.get_kind_display() == "Responses above the service count"
        assert explain_window(window).endswith("on a day with no recorded service.")
