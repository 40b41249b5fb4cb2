"""Honeypot, device cookie, rate limits per access point and per device (not per IP), and kiosk mode."""
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from responses import ratelimit
from responses.devices import COOKIE_NAME, device_class, device_hash
from responses.models import Flag, RefusedSubmission, Response
from responses.ratelimit import Limit
from tests import brokers

from .conftest import PHONE_UA, answers_for, token_from

pytestmark = pytest.mark.django_db

SHARED_NAT_IP = "114.124.1.1"


def test_filled_honeypot_is_thanked_but_not_stored(client, survey, fill):
    page = client.post(survey.url, fill(situs_web="http://spam.example"))
    assert page.status_code == 303 and page["Location"] == survey.thanks_url
    assert Response.objects.count() == 0


def test_honeypot_is_hidden_and_labelled(client, survey):
    html = client.get(survey.url).content.decode()
    assert '<div class="hp" aria-hidden="true">' in html and 'for="id_situs_web"' in html


def test_same_phone_keeps_its_device_hash_and_a_new_period_changes_it(client, survey, fill):
    client.post(survey.url, fill())
    client.post(survey.url, fill())
    first, second = Response.objects.order_by("pk")
    assert first.device_hash == second.device_hash and len(first.device_hash) == 64
    device_id = client.cookies[COOKIE_NAME].value
    assert device_id not in first.device_hash
    assert device_hash(device_id, period_id=survey.period.pk + 1) != first.device_hash


def test_phone_without_cookie_still_answers_and_receives_one(survey):
    phone = Client()
    page = phone.get(survey.url)
    phone.cookies.clear()
    data = {"token": token_from(page), "service": str(survey.visit.pk), **answers_for(survey.versions)}
    answered = phone.post(survey.url, data)
    assert answered.status_code == 303 and COOKIE_NAME in answered.cookies
    assert len(Response.objects.get().device_hash) == 64


def test_device_limit_stops_one_phone_but_not_its_neighbours_on_the_same_ip(client, survey, fill, settings):
    settings.FORM_RATE_LIMIT_DEVICE = "2/3600"
    for _ in range(2):
        assert client.post(survey.url, fill(), REMOTE_ADDR=SHARED_NAT_IP).status_code == 303
    data = fill()
    refused = client.post(survey.url, data, REMOTE_ADDR=SHARED_NAT_IP)
    assert refused.status_code == 429
    assert "Terlalu banyak jawaban" in refused.content.decode() and "belum disimpan" in refused.content.decode()
    assert Response.objects.count() == 2
    assert client.post(survey.url, fill(), REMOTE_ADDR=SHARED_NAT_IP).status_code == 429
    refusal = RefusedSubmission.objects.get()  # counted per access point and device hash, nothing else kept
    assert refusal.count == 2 and refusal.access_point_id == survey.counter.pk
    assert refusal.device_hash == Response.objects.first().device_hash

    neighbour = Client()
    page = neighbour.get(survey.url, REMOTE_ADDR=SHARED_NAT_IP)
    body = {"token": token_from(page), "service": str(survey.visit.pk), **answers_for(survey.versions)}
    assert neighbour.post(survey.url, body, REMOTE_ADDR=SHARED_NAT_IP).status_code == 303
    assert Response.objects.count() == 3


def test_over_the_access_point_limit_answers_are_stored_and_flagged_not_refused(survey, settings):
    settings.FORM_RATE_LIMIT_ACCESS_POINT = "3/600"
    assert flood(survey, 5) == [303] * 5
    assert Response.objects.count() == 5
    flooded = Response.objects.filter(flags__rule=Flag.Rule.FLOOD)
    assert flooded.count() == 2 and all(r.flagged for r in flooded)
    assert not RefusedSubmission.objects.exists()


def test_kiosk_sets_no_device_cookie_stores_no_hash_and_returns_to_a_fresh_form(client, survey, settings):
    settings.FORM_RATE_LIMIT_DEVICE = "1/3600"  # a shared tablet must not hit the per-device limit
    for _ in range(3):
        page = client.get(survey.kiosk_url)
        assert COOKIE_NAME not in page.cookies and 'autocomplete="off"' in page.content.decode()
        body = {"token": token_from(page), "service": str(survey.deposit.pk), **answers_for(survey.versions)}
        assert client.post(survey.kiosk_url, body).status_code == 303
    assert list(Response.objects.values_list("device_hash", "channel").distinct()) == [("", "kiosk")]
    thanks = client.get(f"/s/{survey.kiosk.token}/terima-kasih/").content.decode()
    assert f'<meta http-equiv="refresh" content="8;url=/s/{survey.kiosk.token}/">' in thanks
    fresh = client.get(survey.kiosk_url).content.decode()
    assert " checked" not in fresh  # no default service at this kiosk, no previous answers


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (PHONE_UA, "mobile"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "mobile"),
        ("Mozilla/5.0 (Linux; Android 12; SM-X200) AppleWebKit/537.36 Chrome/120 Safari/537.36", "tablet"),
        ("Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X)", "tablet"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120", "desktop"),
        ("curl/8.5", "unknown"),
        ("", "unknown"),
    ],
)
def test_device_class_is_coarse(agent, expected):
    assert device_class(agent) == expected


@pytest.mark.parametrize("text", ["", "10", "a/b", "0/60", "5/0", "5/60/1"])
def test_malformed_rate_limit_setting_fails_loudly(text, settings):
    with pytest.raises(ImproperlyConfigured):
        Limit.parse(text)
    settings.FORM_RATE_LIMIT_DEVICE = text
    with pytest.raises(ImproperlyConfigured):
        ratelimit.check_settings()


def test_unknown_rate_limit_storage_fails_loudly(settings):
    settings.FORM_RATE_LIMIT_STORAGE_URL = "nosuchstore://127.0.0.1/0"
    with pytest.raises(ImproperlyConfigured, match="FORM_RATE_LIMIT_STORAGE_URL"):
        ratelimit.check_settings()


def flood(survey, count):
    """`count` fresh phones answer at the counter; their status codes."""
    statuses = []
    for _ in range(count):
        phone = Client()
        page = phone.get(survey.url)
        body = {"token": token_from(page), "service": str(survey.visit.pk), **answers_for(survey.versions)}
        statuses.append(phone.post(survey.url, body).status_code)
    return statuses


@pytest.fixture
def redis_counters(settings):
    """Rate-limit counters in Redis (database 6), as in production, emptied before and after the test."""
    import redis

    url = brokers.url("ratelimit")
    client = redis.Redis.from_url(url)
    client.flushdb()
    settings.FORM_RATE_LIMIT_STORAGE_URL = url
    yield client
    client.flushdb()


def test_access_point_limit_is_counted_in_redis_shared_by_every_web_process(survey, settings, redis_counters):
    settings.FORM_RATE_LIMIT_ACCESS_POINT = "3/600"
    assert flood(survey, 2) == [303, 303]
    # Another web process: its own limiter, the same counters.
    ratelimit._limiters.clear()
    assert flood(survey, 2) == [303, 303]
    assert Response.objects.filter(flags__rule=Flag.Rule.FLOOD).count() == 1
    assert any(b"ap" in key for key in redis_counters.keys("LIMITS*"))


def test_device_and_access_point_limits_are_both_counted_in_redis_in_one_pipeline(survey, settings,
                                                                                 redis_counters):
    settings.FORM_RATE_LIMIT_DEVICE = "2/3600"
    redis_counters.script_flush()  # as after a Redis restart: the first submission loads the script again
    phone = Client()
    statuses = []
    for _ in range(3):
        page = phone.get(survey.url)
        body = {"token": token_from(page), "service": str(survey.visit.pk), **answers_for(survey.versions)}
        statuses.append(phone.post(survey.url, body).status_code)
    assert statuses == [303, 303, 429]
    counts = {key.split(b"/")[1]: int(redis_counters.get(key)) for key in redis_counters.keys("LIMITS*")}
    assert counts == {b"ap": 3, b"dev": 3}  # the refused one counts too, as before
    assert all(redis_counters.ttl(key) > 0 for key in redis_counters.keys("LIMITS*"))


def test_unreachable_rate_limit_storage_lets_the_answers_in(survey, settings, caplog):
    settings.FORM_RATE_LIMIT_STORAGE_URL = brokers.UNREACHABLE + "/6"
    settings.FORM_RATE_LIMIT_ACCESS_POINT = "1/600"
    with caplog.at_level(logging.ERROR, logger="responses.ratelimit"):
        assert flood(survey, 2) == [303, 303]
    assert Response.objects.count() == 2
    assert "Rate-limit storage unavailable" in caplog.text


def test_device_cookie_is_secure_over_https(client, survey):
    page = client.get(survey.url, secure=True)
    assert page.cookies[COOKIE_NAME]["secure"]


def test_disabling_an_access_point_takes_effect_at_once_despite_the_cached_form(client, survey):
    from surveys.models import AccessPoint

    assert client.get(survey.url).status_code == 200  # the worker now holds this form's definition
    AccessPoint.objects.filter(pk=survey.counter.pk).update(enabled=False)
    assert client.get(survey.url).status_code == 404


def test_after_a_storage_outage_the_counters_are_left_alone_for_a_while(survey, settings):
    settings.FORM_RATE_LIMIT_STORAGE_URL = brokers.UNREACHABLE + "/6"
    settings.FORM_RATE_LIMIT_ACCESS_POINT = "1/600"
    assert flood(survey, 1) == [303]
    # The storage is back (here: memory), but within RETRY_SECONDS nobody waits on it again.
    settings.FORM_RATE_LIMIT_STORAGE_URL = "memory://"
    assert flood(survey, 2) == [303, 303]
    assert Response.objects.count() == 3
    assert not Flag.objects.filter(rule=Flag.Rule.FLOOD).exists()  # not counted, so no flood either
