"""Each rendered form is stored at most once; tampered and expired tokens are refused; a broker outage
loses nothing."""
import logging
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from responses import tokens
from responses.models import Response, Scoresheet
from responses.services import InvalidAnswers, submit_response
from tests import brokers

from .conftest import PHONE_UA, answers_for, token_from


@pytest.mark.django_db
def test_double_submit_stores_one_response_and_shows_the_same_thanks(client, survey, fill):
    data = fill()
    first = client.post(survey.url, data)
    second = client.post(survey.url, data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"] == survey.thanks_url
    assert Response.objects.count() == 1 and Scoresheet.objects.count() == 2


@pytest.mark.django_db
def test_retry_with_a_now_invalid_body_still_lands_on_thanks(client, survey, fill):
    data = fill()
    client.post(survey.url, data)
    data.pop(f"q{survey.spak.pk}_1")  # e.g. a browser that resends a truncated body
    assert client.post(survey.url, data).status_code == 303
    assert Response.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_tap_stores_one_response(survey):
    key = uuid.uuid4()
    answers = {v.pk: {i.position: 3 for i in v.indicators.all()} for v in survey.versions}
    barrier, results, errors = threading.Barrier(4), [], []

    def tap():
        try:
            barrier.wait()
            results.append(submit_response(
                access_point=survey.counter, period=survey.period, service=survey.visit, answers=answers,
                idempotency_key=key, completion_seconds=40, device_hash="", device_class="mobile",
            ))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({response.pk for response, _ in results}) == 1
    assert Response.objects.count() == 1 and Scoresheet.objects.count() == 2


@pytest.mark.django_db
def test_tampered_token_is_refused_with_answers_kept(client, survey, fill):
    data = fill(suggestion="Petugas ramah")
    head, _, signature = data["token"].rpartition(":")
    data["token"] = head + ":" + ("A" if signature[0] != "A" else "B") + signature[1:]
    page = client.post(survey.url, data)
    html = page.content.decode()
    assert page.status_code == 400
    assert "tidak sah atau telah diubah" in html and "Petugas ramah</textarea>" in html
    assert Response.objects.count() == 0
    assert token_from(page) != data["token"]


@pytest.mark.django_db
def test_token_of_another_access_point_is_refused(client, survey, fill):
    data = fill(url=survey.kiosk_url)
    page = client.post(survey.url, data)
    assert page.status_code == 400 and Response.objects.count() == 0


@pytest.mark.django_db
def test_missing_token_is_refused(client, survey):
    data = {"service": str(survey.visit.pk), **answers_for(survey.versions)}
    assert client.post(survey.url, data).status_code == 400
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_expired_token_is_refused_then_the_same_form_can_be_sent(client, survey, settings):
    settings.FORM_TOKEN_MAX_AGE = 3600
    opened = timezone.now() - timedelta(hours=2)
    key = uuid.uuid4()
    stale = tokens.issue(access_point_id=survey.counter.pk, now=opened, key=key)
    data = {"token": stale, "service": str(survey.visit.pk), **answers_for(survey.versions)}
    page = client.post(survey.url, data)
    assert page.status_code == 400 and "sudah terlalu lama terbuka" in page.content.decode()
    assert Response.objects.count() == 0
    renewed = token_from(page)
    assert tokens.read(renewed, access_point_id=survey.counter.pk).key == key

    assert client.post(survey.url, {**data, "token": renewed}).status_code == 303
    response = Response.objects.get()
    assert response.idempotency_key == key
    assert 7190 <= response.completion_seconds <= 7300  # counted from when the form was first opened


def test_token_reading_rules():
    now = timezone.now()
    value = tokens.issue(access_point_id=7, now=now - timedelta(seconds=95))
    token = tokens.read(value, access_point_id=7, now=now)
    assert token.completion_seconds(now) == 95
    with pytest.raises(tokens.TokenInvalid):
        tokens.read(value, access_point_id=8, now=now)
    with pytest.raises(tokens.TokenInvalid):
        tokens.read(value.replace(":", "x", 1), access_point_id=7, now=now)
    with pytest.raises(tokens.TokenInvalid):
        tokens.read("", access_point_id=7, now=now)
    with pytest.raises(tokens.TokenExpired):
        tokens.read(value, access_point_id=7, now=now + timedelta(days=1))


@pytest.mark.django_db
def test_service_refuses_incomplete_or_out_of_scale_answers_and_stores_nothing(survey):
    answers = {v.pk: {i.position: 3 for i in v.indicators.all()} for v in survey.versions}
    answers[survey.spak.pk][2] = 5
    with pytest.raises(InvalidAnswers):
        submit_response(access_point=survey.counter, period=survey.period, service=survey.visit, answers=answers,
                        idempotency_key=uuid.uuid4(), completion_seconds=30, device_hash="", device_class="unknown")
    del answers[survey.spak.pk][2]
    with pytest.raises(InvalidAnswers):
        submit_response(access_point=survey.counter, period=survey.period, service=survey.visit, answers=answers,
                        idempotency_key=uuid.uuid4(), completion_seconds=30, device_hash="", device_class="unknown")
    assert Response.objects.count() == 0


@pytest.fixture
def broker_down(settings, use_broker):
    """A broker nobody listens on, and Celery really publishing (not running tasks in-process)."""
    settings.RECOMPUTE_HOOK = "tests.responses.hooks.queue_recompute_task"
    app = use_broker(brokers.REFUSED)
    saved = app.conf.broker_connection_max_retries
    app.conf.broker_connection_max_retries = 1
    yield
    app.conf.broker_connection_max_retries = saved


@pytest.mark.django_db
def test_response_survives_a_broker_outage(client, survey, fill, broker_down, caplog,
                                           django_capture_on_commit_callbacks):
    data = fill()
    with caplog.at_level(logging.ERROR, logger="responses.services"), \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        page = client.post(survey.url, data, HTTP_USER_AGENT=PHONE_UA)
    assert len(callbacks) == 1
    assert page.status_code == 303 and page["Location"] == survey.thanks_url
    assert Response.objects.count() == 1 and Scoresheet.objects.count() == 2
    assert "Recompute hook tests.responses.hooks.queue_recompute_task failed" in caplog.text
    assert "Connection refused" in caplog.text or "Error 111" in caplog.text  # the broker really was down
    assert client.get(survey.thanks_url).status_code == 200
