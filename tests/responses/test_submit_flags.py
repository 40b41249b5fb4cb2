"""The submit service runs the validity rules on the way in; a burst is found through the answers digest."""
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from responses import services
from responses.models import Flag, Scoresheet

pytestmark = pytest.mark.django_db
TEN_AM = datetime(2026, 11, 10, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # a Tuesday, within service hours


def submit(survey, answers, k):
    response, created = services.submit_response(
        access_point=survey.counter, period=survey.period, service=survey.visit, answers=answers,
        idempotency_key=uuid.uuid4(), completion_seconds=120, device_hash=f"device-{k}", device_class="mobile",
        now=TEN_AM + timedelta(minutes=2 * k),
    )
    assert created
    return response


def test_six_identical_submissions_in_ten_minutes_are_a_burst_and_five_are_not(survey):
    answers = {v.pk: {i.position: 4 for i in v.indicators.all()} for v in survey.versions}
    first_five = [submit(survey, answers, k) for k in range(5)]
    assert len({r.answers_digest for r in first_five}) == 1 and first_five[0].answers_digest
    assert not Flag.objects.exists()

    sixth = submit(survey, answers, 5)  # 10 minutes after the first: still inside the window
    flagged = set(Flag.objects.filter(rule=Flag.Rule.BURST).values_list("response_id", flat=True))
    assert flagged == {r.pk for r in [*first_five, sixth]}
    assert Scoresheet.objects.filter(flagged=True).count() == 12  # both instruments of all six
    assert Flag.objects.get(response=sixth).evidence["count"] == 6


def test_a_different_answer_set_has_another_digest_and_breaks_no_burst(survey):
    same = {v.pk: {i.position: 4 for i in v.indicators.all()} for v in survey.versions}
    other = {v.pk: {i.position: 4 if i.position > 1 else 3 for i in v.indicators.all()} for v in survey.versions}
    responses = [submit(survey, same, k) for k in range(5)] + [submit(survey, other, 5)]
    assert responses[-1].answers_digest != responses[0].answers_digest
    assert not Flag.objects.exists()
