"""Fixtures for the indices engine and dashboards: stored responses built the way the form stores them."""
import uuid

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from responses.models import Response, Scoresheet
from surveys.models import InstrumentVersion
from tests import brokers
from tests.factories import make_access_point, make_period, make_target


def versions_by_code() -> dict[str, InstrumentVersion]:
    return {v.instrument.code: v for v in InstrumentVersion.objects.filter(number=1).select_related("instrument")}


def make_response(*, period, unit, scores: dict, service=None, access_point=None, status=Response.Status.ACCEPTED,
                  flagged=False, created_at=None, suggestion="", notify=False, **fields) -> Response:
    """A stored Response with one Scoresheet per instrument: scores = {"SPKP": [4, 4, 3, ...], "SPAK": [...]}.

    With notify=True the recompute hook is called after commit, as the public form does.
    """
    service = service or unit.services.order_by("pk").first()
    access_point = access_point or unit.access_points.order_by("pk").first() or make_access_point(unit)
    versions = versions_by_code()
    with transaction.atomic():
        response = Response.objects.create(
            idempotency_key=uuid.uuid4(), period=period, unit=unit, access_point=access_point, service=service,
            channel=fields.pop("channel", access_point.channel), created_at=created_at or timezone.now(),
            status=status, flagged=flagged,
            suggestion=suggestion, **fields,
        )
        for code, values in scores.items():
            Scoresheet.objects.create(
                response=response, version=versions[code], period=period, unit=unit, service=service,
                status=status, flagged=flagged, **{f"score_{i}": v for i, v in enumerate(values, start=1)},
            )
        if notify:
            hook = import_string("reporting.tasks.queue_unit_recompute")
            transaction.on_commit(lambda: hook(unit_id=unit.pk, period_id=period.pk))
    return response


# The methodology's worked example (SPKP, 5 respondents) and a SPAK set to go with it.
WORKED_SPKP = [
    [4, 4, 3, 4, 4, 3, 4, 4],
    [3, 4, 3, 3, 4, 3, 3, 4],
    [4, 3, 2, 4, 4, 4, 3, 3],
    [4, 4, 4, 4, 4, 4, 4, 4],
    [2, 3, 3, 3, 4, 3, 3, 3],
]
WORKED_SPAK = [[4, 4, 4, 4, 4], [3, 3, 3, 3, 3], [4, 4, 3, 4, 4], [4, 4, 4, 4, 4], [3, 3, 3, 3, 4]]


@pytest.fixture
def period(db):
    return make_period()


@pytest.fixture
def worked(org, period):
    """Lapas Semarang with the worked example's five responses; a target of 80 (population 100)."""
    for service in org.semarang.services.all():
        make_target(period, service, population=100)
    for spkp, spak in zip(WORKED_SPKP, WORKED_SPAK, strict=True):
        make_response(period=period, unit=org.semarang, scores={"SPKP": spkp, "SPAK": spak})
    return org


BROKER_URL = brokers.url("reporting")
DEAD_BROKER_URL = brokers.UNREACHABLE + "/3"  # a broker outage


@pytest.fixture
def redis_queue():
    """The Celery queue in this feature's Redis database, emptied before and after the test."""
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def celery_worker(start_celery_worker, redis_queue):
    """A real Celery worker process on this feature's Redis database, using the test database."""
    return start_celery_worker(BROKER_URL)
