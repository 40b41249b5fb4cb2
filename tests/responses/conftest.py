"""Fixtures for the public form: an open period on the default instruments, a counter and a kiosk."""
import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse

from responses import questionnaire, ratelimit, services
from surveys.models import InstrumentVersion
from tests.factories import make_access_point, make_period

from . import hooks

PHONE_UA = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari"


@pytest.fixture(autouse=True)
def _form_settings(settings):
    settings.RECOMPUTE_HOOK = "tests.responses.hooks.record_recompute"
    settings.FORM_RATE_LIMIT_ACCESS_POINT = "60/600"
    settings.FORM_RATE_LIMIT_DEVICE = "5/3600"
    cache.clear()
    ratelimit.reset()
    hooks.calls.clear()
    questionnaire.clear_cache()
    services.forget_frozen_versions()
    yield
    cache.clear()
    ratelimit.reset()
    questionnaire.clear_cache()
    services.forget_frozen_versions()


@pytest.fixture
def survey(org):
    period = make_period()
    semarang = org.semarang
    visit, deposit = semarang.services.order_by("name")  # "Kunjungan keluarga", "Penitipan barang"
    counter = make_access_point(semarang, name="Loket kunjungan", service=visit)
    kiosk = make_access_point(semarang, name="Tablet ruang tunggu", kiosk=True)
    versions = list(period.instrument_versions.order_by("instrument__position"))
    return SimpleNamespace(
        org=org, unit=semarang, period=period, visit=visit, deposit=deposit, counter=counter, kiosk=kiosk,
        spak=versions[0], spkp=versions[1], versions=versions,
        url=reverse("public_form", kwargs={"token": counter.token}),
        kiosk_url=reverse("public_form", kwargs={"token": kiosk.token}),
        thanks_url=reverse("public_form_thanks", kwargs={"token": counter.token}),
    )


TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


def token_from(response) -> str:
    return TOKEN_RE.search(response.content.decode()).group(1)


def answers_for(versions: list[InstrumentVersion], scores=None) -> dict[str, str]:
    """POST fields answering every statement; `scores` maps (version, position) to a score, default 3."""
    scores = scores or {}
    data = {}
    for version in versions:
        for indicator in version.indicators.all():
            data[f"q{version.pk}_{indicator.position}"] = str(scores.get((version.pk, indicator.position), 3))
    return data


@pytest.fixture
def fill(client, survey):
    """fill(**overrides) GETs the counter form and returns a complete POST body for it."""

    def _fill(url=None, **overrides):
        page = client.get(url or survey.url, HTTP_USER_AGENT=PHONE_UA)
        data = {"token": token_from(page), "service": str(survey.visit.pk), **answers_for(survey.versions)}
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return _fill
