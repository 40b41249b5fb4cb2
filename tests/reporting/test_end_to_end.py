"""The whole path on PostgreSQL with a real Celery worker on Redis: phones submit through the public form,
the worker recomputes, the dashboard shows the new IPKP; a Kanwil reviewer's rejection changes it again."""
import re
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from reporting.models import Level, Snapshot
from responses import questionnaire, services
from responses.models import Response
from tests.factories import make_access_point, make_period, make_target

from .conftest import BROKER_URL, WORKED_SPAK, WORKED_SPKP

PHONE = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari"
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def wait_for_spkp(unit, predicate, what):
    deadline = time.monotonic() + 60
    while True:
        snapshot = Snapshot.objects.filter(level=Level.UNIT, unit=unit, service=None, is_current=True,
                                           version__instrument__code="SPKP").first()
        if snapshot is not None and predicate(snapshot):
            return snapshot
        assert time.monotonic() < deadline, f"the worker did not deliver {what} within 60 s"
        time.sleep(0.5)


def submit_from_a_phone(url, versions, service, spkp, spak):
    """One respondent on their own phone (own cookies): open the form, answer, submit."""
    phone = Client(HTTP_USER_AGENT=PHONE)
    page = phone.get(url)
    assert page.status_code == 200
    data = {"token": TOKEN.search(page.content.decode()).group(1), "service": str(service.pk)}
    for version, scores in zip(versions, (spak, spkp), strict=True):
        for indicator, score in zip(version.indicators.order_by("position"), scores, strict=True):
            data[f"q{version.pk}_{indicator.position}"] = str(score)
    reply = phone.post(url, data)
    assert reply.status_code == 303, reply.content.decode()[:500]


@pytest.mark.postgresql
@pytest.mark.broker
def test_form_to_worker_to_dashboard_and_a_review_decision(org, settings, use_broker, celery_worker, login):
    settings.RECOMPUTE_DEBOUNCE_SECONDS = 1
    settings.DISCLOSURE_MIN_CELL = 1  # the officer reads this handful of hand-made responses (responses.disclosure)
    cache.clear()
    questionnaire.clear_cache()
    services.forget_frozen_versions()
    use_broker(BROKER_URL)
    period = make_period()
    visit = org.semarang.services.order_by("name").first()
    for service in org.semarang.services.all():
        make_target(period, service, population=100)
    counter = make_access_point(org.semarang, name="Loket kunjungan", service=visit)
    url = reverse("public_form", kwargs={"token": counter.token})
    versions = list(period.instrument_versions.order_by("instrument__position"))  # SPAK, SPKP

    # The methodology's worked example, answered by five phones.
    for spkp, spak in zip(WORKED_SPKP, WORKED_SPAK, strict=True):
        submit_from_a_phone(url, versions, visit, spkp, spak)
    assert Response.objects.filter(period=period).count() == 5
    snapshot = wait_for_spkp(org.semarang, lambda s: s.n_counted == 5, "the five responses")
    assert (snapshot.nrr, snapshot.ik, snapshot.category) == (Decimal("3.50"), Decimal("87.50"), "B")
    dashboard = reverse("dashboard_unit", kwargs={"code": org.semarang.code})
    assert 'data-figure="IPKP">3,50<' in login(org.officer_semarang).get(dashboard).content.decode()

    # Submitted within a second of opening the form, every one is flagged "too fast" and so reviewable.
    # The Kanwil reviewer rejects R5 (SPKP sum 24): 116 / (4 x 8) = 3.625 -> IPKP 3.63, IK 90.63, A.
    fifth = Response.objects.filter(period=period).order_by("pk").last()
    assert fifth.flagged
    reviewer = login(org.kanwil_jateng)
    reply = reviewer.post(reverse("review_detail", kwargs={"pk": fifth.pk}),
                          {"decision": "reject", "reason": "Diisi petugas, bukan pengguna layanan"})
    assert reply.status_code == 302
    snapshot = wait_for_spkp(org.semarang, lambda s: s.n_counted == 4, "the recompute after the rejection")
    assert (snapshot.n_rejected, snapshot.nrr, snapshot.ik, snapshot.category) == (
        1, Decimal("3.63"), Decimal("90.63"), "A")
    assert 'data-figure="IPKP">3,63<' in login(org.officer_semarang).get(dashboard).content.decode()
