"""Recompute jobs: coalescing bursts, surviving a broker outage, beat jobs, and a real worker against Redis."""
import time
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from reporting.models import Level, Snapshot
from reporting.tasks import (
    _pending_key,
    forget_recent_queueing,
    freeze_closed_periods,
    queue_unit_recompute,
    recompute_open_periods,
)
from surveys.models import Period

from .conftest import BROKER_URL, DEAD_BROKER_URL, WORKED_SPAK, WORKED_SPKP, make_response


def unit_spkp(unit):
    return Snapshot.objects.filter(level=Level.UNIT, unit=unit, service=None, is_current=True,
                                   version__instrument__code="SPKP").first()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    forget_recent_queueing()
    yield
    cache.clear()
    forget_recent_queueing()


@pytest.mark.django_db
def test_in_embedded_mode_the_hook_recomputes_in_process(org, period, django_capture_on_commit_callbacks):
    for spkp, spak in zip(WORKED_SPKP, WORKED_SPAK, strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            make_response(period=period, unit=org.semarang, scores={"SPKP": spkp, "SPAK": spak}, notify=True)
    snapshot = unit_spkp(org.semarang)
    assert (snapshot.n_counted, snapshot.nrr) == (5, Decimal("3.50"))


@pytest.mark.broker
@pytest.mark.django_db
def test_a_burst_of_100_submissions_queues_one_recompute(org, period, use_broker, redis_queue):
    use_broker(BROKER_URL)
    for _ in range(100):
        queue_unit_recompute(unit_id=org.semarang.pk, period_id=period.pk)
    assert redis_queue.llen("celery") == 1
    queue_unit_recompute(unit_id=org.surakarta.pk, period_id=period.pk)  # another unit: its own recompute
    assert redis_queue.llen("celery") == 2


@pytest.mark.broker
@pytest.mark.django_db
def test_once_the_queued_recompute_has_started_the_next_submission_queues_another(org, period, use_broker,
                                                                                  redis_queue, settings):
    settings.RECOMPUTE_DEBOUNCE_SECONDS = 2  # the task starts 2 s after the first call; its key lives 1 s
    use_broker(BROKER_URL)
    queue_unit_recompute(unit_id=org.semarang.pk, period_id=period.pk)
    queue_unit_recompute(unit_id=org.semarang.pk, period_id=period.pk)
    assert redis_queue.llen("celery") == 1
    time.sleep(2.05)  # the queued task's countdown has run out: it starts, and clears the key first
    cache.delete(_pending_key(org.semarang.pk, period.pk))
    queue_unit_recompute(unit_id=org.semarang.pk, period_id=period.pk)  # a response it may not have read
    assert redis_queue.llen("celery") == 2


@pytest.mark.broker
@pytest.mark.django_db
def test_broker_outage_delays_but_does_not_lose_the_recompute(org, period, use_broker,
                                                              django_capture_on_commit_callbacks):
    use_broker(DEAD_BROKER_URL)
    started = time.monotonic()
    for spkp, spak in zip(WORKED_SPKP, WORKED_SPAK, strict=True):
        # The hook runs after commit, as the form calls it; with the broker down it must not raise.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            make_response(period=period, unit=org.semarang, scores={"SPKP": spkp, "SPAK": spak}, notify=True)
        assert len(callbacks) == 1
    assert time.monotonic() - started < 10
    assert unit_spkp(org.semarang) is None  # delayed...
    assert recompute_open_periods() == [period.pk]  # ...until the periodic job runs
    snapshot = unit_spkp(org.semarang)
    assert (snapshot.n_counted, snapshot.nrr, snapshot.ik, snapshot.category) == (5, Decimal("3.50"),
                                                                                 Decimal("87.50"), "B")


@pytest.mark.django_db
def test_beat_job_freezes_closed_periods_once(worked, period):
    recompute_open_periods()
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    assert freeze_closed_periods() == [period.pk]
    assert freeze_closed_periods() == []
    assert unit_spkp(worked.semarang).is_final


def test_beat_schedule_names_registered_tasks():
    from spakspkp.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reporting.recompute_open_periods", "reporting.freeze_closed_periods"} <= scheduled
    assert scheduled <= set(app.tasks)


@pytest.mark.postgresql
@pytest.mark.broker
def test_real_worker_updates_the_snapshot_and_the_dashboard_shows_it(org, settings, use_broker, celery_worker,
                                                                    login):
    from tests.factories import make_period, make_target

    if connection.vendor != "postgresql":
        pytest.fail("the worker test needs the PostgreSQL test database")
    settings.RECOMPUTE_DEBOUNCE_SECONDS = 1
    use_broker(BROKER_URL)
    period = make_period()
    for service in org.semarang.services.all():
        make_target(period, service, population=100)
    for spkp, spak in zip(WORKED_SPKP, WORKED_SPAK, strict=True):
        make_response(period=period, unit=org.semarang, scores={"SPKP": spkp, "SPAK": spak}, notify=True)

    deadline = time.monotonic() + 60
    while unit_spkp(org.semarang) is None or unit_spkp(org.semarang).n_counted < 5:
        if celery_worker.poll() is not None:
            pytest.fail("worker exited:\n" + celery_worker.stdout.read())
        assert time.monotonic() < deadline, "no snapshot from the worker within 60 s"
        time.sleep(0.5)
    snapshot = unit_spkp(org.semarang)
    assert (snapshot.nrr, snapshot.ik, snapshot.category) == (Decimal("3.50"), Decimal("87.50"), "B")

    page = login(org.officer_semarang).get(reverse("dashboard_unit", kwargs={"code": org.semarang.code}))
    assert 'data-figure="IPKP">3,50<' in page.content.decode()

    # A sixth response later: the worker recomputes again and the page follows.
    make_response(period=period, unit=org.semarang, scores={"SPKP": [4] * 8, "SPAK": [4] * 5}, notify=True)
    deadline = time.monotonic() + 60
    while unit_spkp(org.semarang).n_counted < 6:
        assert time.monotonic() < deadline, "second recompute did not arrive"
        time.sleep(0.5)
    # (140 + 32) / 48 = 3.5833 -> 3.58
    page = login(org.officer_semarang).get(reverse("dashboard_unit", kwargs={"code": org.semarang.code}))
    assert 'data-figure="IPKP">3,58<' in page.content.decode()
