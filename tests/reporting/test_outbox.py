"""Durable recompute requests: recorded with the response (in its transaction), drained by a short
periodic job, so a broker outage delays the indices by one drain interval, and nothing is recomputed twice."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from reporting import outbox
from responses.models import RecomputeRequest, Response

from .conftest import DEAD_BROKER_URL, WORKED_SPAK, WORKED_SPKP, make_response
from .test_tasks import _clear_cache, unit_spkp  # noqa: F401 - _clear_cache: the same autouse fixture


def _after_debounce():
    return timezone.now() + timedelta(seconds=django_settings.RECOMPUTE_DEBOUNCE_SECONDS + 1)


@pytest.mark.django_db
def test_submissions_while_the_broker_is_down_are_recomputed_by_the_next_drain(
        org, period, use_broker, django_capture_on_commit_callbacks):
    use_broker(DEAD_BROKER_URL)
    for spkp, spak in zip(WORKED_SPKP, WORKED_SPAK, strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            make_response(period=period, unit=org.semarang, scores={"SPKP": spkp, "SPAK": spak}, notify=True)
    make_response(period=period, unit=org.yogyakarta, scores={"SPKP": WORKED_SPKP[0], "SPAK": WORKED_SPAK[0]})
    assert unit_spkp(org.semarang) is None  # the queued recomputes never reached a worker
    assert set(RecomputeRequest.objects.values_list("unit_id", "period_id")) == {
        (org.semarang.pk, period.pk), (org.yogyakarta.pk, period.pk)}  # one request per unit-period
    assert outbox.drain(now=timezone.now() - timedelta(days=1)) == []  # none due yet: the debounce stays
    done = outbox.drain(now=_after_debounce())
    assert sorted(done) == sorted([(org.semarang.pk, period.pk), (org.yogyakarta.pk, period.pk)])
    snapshot = unit_spkp(org.semarang)
    assert (snapshot.n_counted, snapshot.nrr, snapshot.ik, snapshot.category) == (5, Decimal("3.50"),
                                                                                 Decimal("87.50"), "B")
    assert outbox.drain(now=_after_debounce()) == []  # nothing recomputed twice
    assert not RecomputeRequest.objects.exists()


@pytest.mark.django_db
def test_the_debounced_task_takes_its_request_so_the_drain_finds_nothing(org, period,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # embedded mode: the task runs in-process
        make_response(period=period, unit=org.semarang, scores={"SPKP": WORKED_SPKP[0], "SPAK": WORKED_SPAK[0]},
                      notify=True)
    assert unit_spkp(org.semarang).n_counted == 1
    assert not RecomputeRequest.objects.exists()
    assert outbox.drain(now=_after_debounce()) == []


@pytest.mark.django_db
def test_a_review_decision_records_a_request_in_its_own_transaction(org, period):
    response = make_response(period=period, unit=org.semarang, scores={"SPKP": WORKED_SPKP[0]})
    RecomputeRequest.objects.all().delete()
    Response.objects.filter(pk=response.pk).update(status=Response.Status.REJECTED)
    assert list(RecomputeRequest.objects.values_list("unit_id", "period_id")) == [(org.semarang.pk, period.pk)]


def test_the_drain_runs_at_least_every_minute_in_the_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["reporting-drain-recompute-requests"]
    assert entry["task"] == "reporting.drain_recompute_requests" and entry["schedule"] <= 60
