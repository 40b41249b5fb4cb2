"""Enrolled kiosk tablets: enrolment codes, the offline queue's endpoint, exactly once, the period of the
completion time within the grace after close, and revoked tablets refused with a message for staff."""
import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from responses.kiosk_views import COOKIE_NAME
from responses.models import Response
from surveys.kiosks import enrol_kiosk, revoke_kiosk, start_kiosk_enrolment
from surveys.models import KioskDevice, Period
from tests.factories import make_period

from .conftest import answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def tablet(client, survey):
    """An enrolled kiosk tablet: the test client holds its credential cookie."""
    _device, code = start_kiosk_enrolment(access_point=survey.kiosk, acting_user=survey.org.officer_semarang)
    page = client.post(reverse("kiosk_enrol", kwargs={"token": survey.kiosk.token}), {"kode": code.upper()})
    assert page.status_code == 302 and page["Location"] == survey.kiosk_url
    assert page.cookies[COOKIE_NAME]["httponly"] and page.cookies[COOKIE_NAME]["path"] == survey.kiosk_url
    return KioskDevice.objects.get(access_point=survey.kiosk)


def _send(client, survey, *, completed, key=None, opened=None, **fields):
    opened = opened or completed - timedelta(minutes=3)
    body = {"key": str(key or uuid.uuid4()), "opened": int(opened.timestamp() * 1000),
            "completed": int(completed.timestamp() * 1000),
            "fields": {"service": str(survey.visit.pk), **answers_for(survey.versions), **fields}}
    return client.post(reverse("kiosk_sync", kwargs={"token": survey.kiosk.token}), json.dumps(body),
                       content_type="application/json")


def test_enrolment_code_works_once_and_expires(client, survey):
    device, code = start_kiosk_enrolment(access_point=survey.kiosk, acting_user=survey.org.officer_semarang)
    assert code not in device.code_digest and len(device.code_digest) == 64
    assert enrol_kiosk(access_point=survey.counter, code=code) is None  # another access point's code
    assert enrol_kiosk(access_point=survey.kiosk, code=code) is not None
    assert enrol_kiosk(access_point=survey.kiosk, code=code) is None  # used
    _device, late = start_kiosk_enrolment(access_point=survey.kiosk, acting_user=survey.org.officer_semarang)
    assert enrol_kiosk(access_point=survey.kiosk, code=late, now=timezone.now() + timedelta(hours=1)) is None
    page = client.post(reverse("kiosk_enrol", kwargs={"token": survey.kiosk.token}), {"kode": "salah"})
    assert page.status_code == 400 and "Kode ini salah" in page.content.decode()


def test_only_an_enrolled_tablet_gets_the_offline_queue(client, survey, tablet):
    html = client.get(survey.kiosk_url).content.decode()
    assert 'name="kiosk-offline"' in html and "kiosk-offline" in html
    worker = client.get(reverse("kiosk_worker", kwargs={"token": survey.kiosk.token}))
    assert worker["Service-Worker-Allowed"] == survey.kiosk_url and b"importScripts" in worker.content
    client.cookies.pop(COOKIE_NAME)
    assert 'name="kiosk-offline"' not in client.get(survey.kiosk_url).content.decode()


def test_queued_answers_are_stored_once_with_their_completion_time(client, survey, tablet):
    completed = timezone.now() - timedelta(hours=5)
    key = uuid.uuid4()
    first = _send(client, survey, completed=completed, key=key, sex="f")
    assert first.status_code == 201 and first.json()["status"] == "stored"
    again = _send(client, survey, completed=completed, key=key, sex="f")
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    response = Response.objects.get()
    assert (response.idempotency_key, response.period, response.channel) == (key, survey.period, "kiosk")
    assert abs(response.created_at - completed) < timedelta(seconds=1)
    assert response.completion_seconds == 180 and response.device_hash == "" and response.sex == "f"


def test_incomplete_queued_answers_are_refused_with_the_reason(client, survey, tablet):
    page = _send(client, survey, completed=timezone.now(), **{f"q{survey.spak.pk}_1": "9"})
    assert page.status_code == 400 and page.json()["status"] == "invalid"
    assert f"q{survey.spak.pk}_1" in page.json()["errors"] and Response.objects.count() == 0


def test_answers_completed_before_the_close_land_in_the_closed_period_within_the_grace(
        client, survey, tablet, settings):
    now = timezone.now()
    today = timezone.localdate(now)
    Period.objects.filter(pk=survey.period.pk).update(starts_on=today - timedelta(days=30),
                                                      ends_on=today,
                                                      status=Period.Status.CLOSED, closed_at=now - timedelta(hours=2))
    make_period(name="Berikutnya", starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=80))
    settings.FORM_KIOSK_SYNC_GRACE_HOURS = 24
    stored = _send(client, survey, completed=now - timedelta(hours=3))
    assert stored.status_code == 201
    assert Response.objects.get().period == survey.period  # the closed period of its completion time

    settings.FORM_KIOSK_SYNC_GRACE_HOURS = 1
    late = _send(client, survey, completed=now - timedelta(hours=4))
    assert late.status_code == 409 and late.json()["status"] == "too_late"
    assert "sudah ditutup lebih dari 1 jam" in late.json()["message"]
    assert Response.objects.count() == 1


def test_a_revoked_tablets_queue_is_refused_counted_and_shown_to_staff(client, login, survey, tablet):
    revoke_kiosk(device=tablet, acting_user=survey.org.officer_semarang)
    key = uuid.uuid4()
    page = _send(client, survey, completed=timezone.now(), key=key)
    assert page.status_code == 403 and page.json()["status"] == "revoked"
    assert "sudah dicabut" in page.json()["message"] and Response.objects.count() == 0
    assert tablet.refusals.count() == 1
    assert _send(client, survey, completed=timezone.now(), key=key).status_code == 403  # a retry
    assert tablet.refusals.count() == 1
    staff = login(survey.org.officer_semarang)
    detail = staff.get(f"/staf/upt/lapas-semarang/titik-akses/{survey.kiosk.pk}/").content.decode()
    assert "1 jawaban dari tablet ini ditolak karena tablet sudah dicabut." in detail


def test_unknown_tablet_is_refused(client, survey):
    page = _send(client, survey, completed=timezone.now())
    assert page.status_code == 403 and page.json()["status"] == "unknown" and Response.objects.count() == 0


def test_staff_create_a_code_and_revoke_a_tablet_from_the_access_point_page(client, login, survey, tablet):
    staff = login(survey.org.officer_semarang)
    base = f"/staf/upt/lapas-semarang/titik-akses/{survey.kiosk.pk}/"
    shown = staff.post(base + "kios/kode/", follow=True).content.decode()
    assert "Kode pendaftaran tablet:" in shown and "/kios/daftar/" in shown
    assert KioskDevice.objects.filter(access_point=survey.kiosk).count() == 2
    staff.post(base + f"kios/{tablet.pk}/cabut/")
    tablet.refresh_from_db()
    assert tablet.revoked_at is not None
    assert "data-revoked" in client.get(survey.kiosk_url).content.decode()  # reports, no longer queues
