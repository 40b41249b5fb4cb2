"""/healthz reports the database and the broker."""
import time

import pytest
from django.db import connection

from tests import brokers


@pytest.mark.django_db
def test_health_in_embedded_mode_reports_eager_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager"}


@pytest.mark.django_db
def test_health_with_redis_broker_reports_ok(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = brokers.url("health")
    assert client.get("/healthz").json() == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_health_reports_unreachable_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = brokers.REFUSED
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["broker"] == "down"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_health_is_503_when_the_database_is_unreachable(client):
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_health_answers_503_timeout_within_two_seconds_when_the_broker_hangs(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with brokers.HungBroker() as hung:
        settings.CELERY_BROKER_URL = hung.url
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503 and elapsed < 2
    assert response.json() == {"database": "ok", "broker": "timeout"}
