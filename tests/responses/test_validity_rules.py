"""Each validity flag rule at, just below and just above its threshold (docs/methodology.md §6).

The default instruments have 13 items (SPAK 5 + SPKP 8) at 2 s per item: a minimum plausible time of
26 s, and "fast" for straight-lining below 0.5 × 26 = 13 s. Service hours 08:00–15:00 with 30 min grace.
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from responses import bursts, tasks, validity
from responses.models import Flag, Response, Scoresheet
from responses.simulation import store_response
from surveys.models import InstrumentVersion
from tests.factories import default_versions, make_access_point, make_period

pytestmark = pytest.mark.django_db
JKT = ZoneInfo("Asia/Jakarta")
NOON = datetime(2026, 11, 10, 12, 0, tzinfo=JKT)
RECOMPUTES: list[tuple[int, int]] = []


def record_recompute(*, unit_id, period_id):
    """A real recompute hook for tests: remembers what it was asked to recompute."""
    RECOMPUTES.append((unit_id, period_id))


@pytest.fixture
def place(org):
    period = make_period()
    spak, spkp = default_versions()
    return type("Place", (), {
        "org": org, "period": period, "spak": spak, "spkp": spkp,
        "counter": make_access_point(org.semarang, name="Loket"),
        "counter2": make_access_point(org.semarang, name="Loket 2"),
        "kiosk": make_access_point(org.semarang, name="Kios", kiosk=True),
        "other_unit_counter": make_access_point(org.surakarta, name="Loket Surakarta"),
    })


def submit(place, *, at=NOON, seconds=120, spak=(4, 3, 4, 3, 4), spkp=(3, 4, 3, 3, 4, 3, 3, 4), device="",
           point=None, steered=False, only=None):
    scores = {place.spak: list(spak), place.spkp: list(spkp)}
    if only is not None:
        scores = {v: s for v, s in scores.items() if v.instrument.code == only}
    return store_response(access_point=point or place.counter, period=place.period, scores=scores, created_at=at,
                          completion_seconds=seconds, device_hash=device, steered=steered)


def rules(response) -> set[str]:
    return set(Flag.objects.filter(response=response).values_list("rule", flat=True))


# --------------------------------------------------------------------------- too fast
@pytest.mark.parametrize(("seconds", "flagged"), [(25, True), (26, False), (27, False), (1, True), (None, False)])
def test_too_fast_below_two_seconds_per_item(place, seconds, flagged):
    response = submit(place, seconds=seconds)
    assert (Flag.Rule.TOO_FAST in rules(response)) is flagged
    response.refresh_from_db()
    assert response.flagged is flagged


def test_too_fast_threshold_comes_from_the_instrument_version(place):
    InstrumentVersion.objects.filter(pk=place.spkp.pk).update(min_seconds_per_item=3)  # 5×2 + 8×3 = 34 s
    assert Flag.Rule.TOO_FAST in rules(submit(place, seconds=33))
    assert Flag.Rule.TOO_FAST not in rules(submit(place, seconds=34, device="b"))


def test_too_fast_evidence_states_time_and_minimum(place):
    flag = Flag.objects.get(response=submit(place, seconds=20), rule=Flag.Rule.TOO_FAST)
    assert flag.evidence == {"completion_seconds": 20, "minimum_seconds": "26", "items": 13}


def test_only_answered_instruments_count_towards_the_minimum(place):
    # SPAK alone: 5 items × 2 s = 10 s
    assert Flag.Rule.TOO_FAST in rules(submit(place, seconds=9, only="SPAK"))
    assert Flag.Rule.TOO_FAST not in rules(submit(place, seconds=10, only="SPAK"))


# --------------------------------------------------------------------------- straight-lining
@pytest.mark.parametrize(("seconds", "flagged"), [(12, True), (13, False), (300, False), (26, False), (1, True)])
def test_straight_lining_needs_identical_answers_and_a_much_faster_time(place, seconds, flagged):
    response = submit(place, seconds=seconds, spak=[4] * 5, spkp=[4] * 8)
    assert (Flag.Rule.STRAIGHT_LINING in rules(response)) is flagged


def test_all_four_respondent_at_a_normal_reading_pace_is_not_flagged(place):
    for seconds in (26, 40, 51, 90):
        assert rules(submit(place, seconds=seconds, spak=[4] * 5, spkp=[4] * 8, device=f"p{seconds}",
                            at=NOON + timedelta(minutes=seconds))) == set()


def test_one_different_answer_is_not_straight_lining(place):
    response = submit(place, seconds=10, spak=[4] * 5, spkp=[4] * 7 + [3])
    assert Flag.Rule.STRAIGHT_LINING not in rules(response)


def test_straight_lining_threshold_is_a_setting(place, settings):
    settings.VALIDITY_STRAIGHT_LINING_TIME_FACTOR = 3  # fast below 78 s
    assert Flag.Rule.STRAIGHT_LINING in rules(submit(place, seconds=77, spak=[1] * 5, spkp=[1] * 8))
    evidence = Flag.objects.get(rule=Flag.Rule.STRAIGHT_LINING).evidence
    assert evidence == {"value": 1, "items": 13, "completion_seconds": 77, "fast_below_seconds": "78"}


def test_very_fast_straight_lining_carries_both_flags(place):
    assert rules(submit(place, seconds=10, spak=[4] * 5, spkp=[4] * 8)) == {
        Flag.Rule.TOO_FAST, Flag.Rule.STRAIGHT_LINING}


# --------------------------------------------------------------------------- steered
@pytest.mark.parametrize(("answer", "flagged"), [(True, True), (False, False), (None, False)])
def test_steered_yes_is_flagged(place, answer, flagged):
    assert (Flag.Rule.STEERED in rules(submit(place, steered=answer))) is flagged


# --------------------------------------------------------------------------- outside service hours
@pytest.mark.parametrize(("hour", "minute", "second", "flagged"), [
    (7, 29, 59, True), (7, 30, 0, False), (8, 0, 0, False), (15, 30, 0, False), (15, 30, 1, True),
    (21, 15, 0, True), (2, 0, 0, True),
])
def test_outside_service_hours_with_thirty_minutes_grace(place, hour, minute, second, flagged):
    at = datetime(2026, 11, 10, hour, minute, second, tzinfo=JKT)
    assert (Flag.Rule.OUTSIDE_HOURS in rules(submit(place, at=at))) is flagged


def test_service_hours_are_read_in_jakarta_time(place):
    # 13:00 UTC is 20:00 in Jakarta: outside hours, although 13:00 is inside them
    at = datetime(2026, 11, 10, 13, 0, tzinfo=ZoneInfo("UTC"))
    flag = Flag.objects.get(response=submit(place, at=at), rule=Flag.Rule.OUTSIDE_HOURS)
    assert flag.evidence["local_time"] == "2026-11-10 20:00:00"
    assert (flag.evidence["opens_at"], flag.evidence["closes_at"]) == ("08:00", "15:00")


@pytest.mark.parametrize(("hour", "minute", "flagged"), [
    (21, 0, False), (3, 0, False), (6, 30, False), (6, 31, True), (12, 0, True), (19, 30, False), (19, 29, True),
])
def test_service_hours_may_run_past_midnight(place, hour, minute, flagged):
    from datetime import time

    place.org.semarang.opens_at, place.org.semarang.closes_at = time(20, 0), time(6, 0)
    place.org.semarang.save()
    at = datetime(2026, 11, 10, hour, minute, tzinfo=JKT)
    assert (Flag.Rule.OUTSIDE_HOURS in rules(submit(place, at=at))) is flagged


def test_unit_without_service_hours_is_never_outside_them(place):
    place.org.semarang.opens_at = place.org.semarang.closes_at = None
    place.org.semarang.save()
    assert rules(submit(place, at=datetime(2026, 11, 10, 23, 0, tzinfo=JKT))) == set()


# --------------------------------------------------------------------------- repeat device
def test_two_people_sharing_one_phone_are_not_flagged(place):
    first = submit(place, device="family-phone")
    second = submit(place, device="family-phone", at=NOON + timedelta(minutes=20), spak=(3, 3, 4, 4, 3))
    assert rules(first) == set() and rules(second) == set()
    assert not Response.objects.filter(flagged=True).exists()


@pytest.mark.parametrize(("gap", "flagged"), [
    (timedelta(minutes=5), True), (timedelta(hours=12), True), (timedelta(hours=12, seconds=1), False),
])
def test_third_response_of_one_device_within_24_hours_flags_all_three(place, gap, flagged):
    first = submit(place, device="phone-1")
    second = submit(place, device="phone-1", at=NOON + gap)
    third = submit(place, device="phone-1", at=NOON + 2 * gap)
    for response in (first, second, third):
        assert (Flag.Rule.REPEAT_DEVICE in rules(response)) is flagged


def test_repeat_device_evidence_names_the_other_responses(place):
    first = submit(place, device="phone-1")
    second = submit(place, device="phone-1", at=NOON + timedelta(hours=1))
    third = submit(place, device="phone-1", at=NOON + timedelta(hours=2))
    evidence = Flag.objects.get(response=third, rule=Flag.Rule.REPEAT_DEVICE).evidence
    assert [o["id"] for o in evidence["other_responses"]] == [first.pk, second.pk]
    assert evidence["window_hours"] == 24 and evidence["count"] == 2


def test_repeat_device_needs_the_same_unit_and_instrument(place, settings):
    settings.VALIDITY_REPEAT_DEVICE_FROM = 2
    submit(place, device="phone-1", only="SPAK")
    assert rules(submit(place, device="phone-1", only="SPKP", at=NOON + timedelta(minutes=5))) == set()
    assert rules(submit(place, device="phone-1", point=place.other_unit_counter,
                        at=NOON + timedelta(minutes=6))) == set()
    assert rules(submit(place, device="phone-2", at=NOON + timedelta(minutes=7))) == set()


def test_kiosk_responses_carry_no_device_and_never_repeat(place):
    for k in range(3):
        response = submit(place, point=place.kiosk, device="ignored", at=NOON + timedelta(minutes=k),
                          spak=(4, 3, 4, 3, k + 1))
        assert response.device_hash == ""
        assert rules(response) == set()


# --------------------------------------------------------------------------- burst
def burst(place, count, *, spacing=timedelta(minutes=2), point=None, start=NOON):
    return [submit(place, at=start + k * spacing, point=point, device=f"d{k}-{start:%H%M%S}-{point}")
            for k in range(count)]


def test_six_identical_answer_sets_within_ten_minutes_are_a_burst(place):
    responses = burst(place, 6)  # first to last: 10 minutes exactly
    assert all(Flag.Rule.BURST in rules(r) for r in responses)
    evidence = Flag.objects.filter(rule=Flag.Rule.BURST).first().evidence
    assert evidence["count"] == 6
    assert evidence["responses"] == sorted(r.pk for r in responses)
    assert evidence["vector"][1]["scores"] == [3, 4, 3, 3, 4, 3, 3, 4]


def test_five_identical_answer_sets_are_not_a_burst(place):
    assert not Flag.objects.filter(response__in=burst(place, 5)).exists()


def test_six_identical_over_more_than_ten_minutes_are_not_a_burst(place):
    responses = burst(place, 6, spacing=timedelta(minutes=2, seconds=1))  # 10 min 5 s first to last
    assert not Flag.objects.filter(response__in=responses).exists()


def test_identical_answers_at_different_access_points_are_not_a_burst(place):
    burst(place, 3, point=place.counter)
    burst(place, 3, point=place.counter2, start=NOON + timedelta(seconds=30))
    assert not Flag.objects.exists()


def test_one_different_answer_set_breaks_the_burst(place):
    same = burst(place, 5, spacing=timedelta(minutes=1))
    other = submit(place, at=NOON + timedelta(minutes=6), spak=(4, 4, 4, 4, 3), device="x")
    assert not Flag.objects.filter(response__in=[*same, other]).exists()


def test_burst_detected_at_store_time_flags_earlier_members_and_scoresheets(place):
    responses = burst(place, 6, spacing=timedelta(minutes=1))
    assert Response.objects.filter(pk__in=[r.pk for r in responses], flagged=True).count() == 6
    assert Scoresheet.objects.filter(response__in=responses, flagged=True).count() == 12


def stored_unseen(place, times):
    """Stored responses that store-time detection did not see (as with concurrent transactions)."""
    responses = [submit(place, at=at, device=f"c{k}") for k, at in enumerate(times)]
    Flag.objects.filter(response__in=responses).delete()
    Response.objects.filter(pk__in=[r.pk for r in responses]).update(flagged=False)
    Scoresheet.objects.filter(response__in=responses).update(flagged=False)
    return responses


def test_periodic_job_flags_bursts_missed_at_store_time_and_is_idempotent(place, settings,
                                                                          django_capture_on_commit_callbacks):
    settings.RECOMPUTE_HOOK = "tests.responses.test_validity_rules.record_recompute"
    RECOMPUTES.clear()
    from django.utils import timezone

    now = timezone.now()
    responses = stored_unseen(place, [now - timedelta(minutes=30 - k) for k in range(7)])
    assert not Response.objects.filter(flagged=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.detect_bursts() == 7
    assert Response.objects.filter(pk__in=[r.pk for r in responses], flagged=True).count() == 7
    assert Scoresheet.objects.filter(flagged=True).count() == 14
    assert RECOMPUTES == [(place.org.semarang.pk, place.period.pk)]
    assert tasks.detect_bursts() == 0
    assert Flag.objects.count() == 7


def test_periodic_job_ignores_responses_older_than_its_scan_window(place, settings):
    from django.utils import timezone

    old = timezone.now() - timedelta(hours=settings.VALIDITY_BURST_SCAN_HOURS, minutes=30)
    stored_unseen(place, [old + timedelta(minutes=k) for k in range(6)])
    assert tasks.detect_bursts() == 0


# --------------------------------------------------------------------------- flags never touch answers
def test_flags_do_not_change_answers_or_status(place):
    response = submit(place, seconds=5, steered=True, spak=(1, 2, 3, 4, 1))
    sheet = Scoresheet.objects.get(response=response, version=place.spak)
    assert sheet.scores(5) == [1, 2, 3, 4, 1]
    assert (sheet.status, sheet.flagged) == (Response.Status.ACCEPTED, True)
    response.refresh_from_db()
    assert response.status == Response.Status.ACCEPTED
    assert Response.objects.counted().filter(pk=response.pk).exists()


def test_flag_new_response_returns_the_stored_flags_and_is_safe_to_repeat(place):
    response = submit(place, seconds=5, steered=True)
    flags = validity.flag_new_response(response, now=NOON)
    assert {f.rule for f in flags} == {Flag.Rule.TOO_FAST, Flag.Rule.STEERED}
    assert Flag.objects.filter(response=response).count() == 2


def test_burst_runs_merge_overlapping_windows_and_split_distant_ones(settings):
    t = NOON
    items = [(t + timedelta(minutes=m), pk) for pk, m in enumerate([0, 1, 2, 3, 4, 5, 14, 60, 61, 62, 63, 64, 65])]
    assert bursts.burst_runs(items) == [[0, 1, 2, 3, 4, 5], [7, 8, 9, 10, 11, 12]]


# --------------------------------------------------------------------------- satisfied respondents at a busy point
def test_busy_access_point_with_many_honest_all_top_sets_is_not_a_burst(place):
    """Twenty responses in ten minutes, eight of them all 4: identical, but only 40 % of the volume."""
    varied = [(3, 4, 3, 4, 3), (2, 3, 4, 3, 4), (4, 4, 3, 3, 4), (3, 3, 3, 4, 4)]
    for k in range(20):
        spak = [4] * 5 if k % 5 in (0, 2) else varied[k % 4]
        spkp = [4] * 8 if k % 5 in (0, 2) else (3, 4, 3, 3, 4, 3, 3, k % 4 + 1)
        submit(place, at=NOON + timedelta(seconds=30 * k), spak=spak, spkp=spkp, device=f"v{k}")
    assert not Flag.objects.filter(rule=Flag.Rule.BURST).exists()
    assert bursts.detect_bursts(since=NOON, until=NOON + timedelta(minutes=10)) == []


def test_all_top_sets_that_are_most_of_a_quiet_points_volume_are_a_burst(place):
    responses = [submit(place, at=NOON + timedelta(minutes=k), spak=[4] * 5, spkp=[4] * 8, device=f"o{k}")
                 for k in range(6)]
    assert all(Flag.Rule.BURST in rules(r) for r in responses)
