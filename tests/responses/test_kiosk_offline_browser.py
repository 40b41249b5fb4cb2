"""An enrolled kiosk tablet without network, in headless Chromium: answers queue on the tablet, the unsent
counter shows, the queue is sent once when the network returns, and a revoked tablet's queue is refused."""
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from responses.models import Response
from surveys.kiosks import revoke_kiosk, start_kiosk_enrolment
from surveys.models import KioskDevice

from .test_browser import _answer_everything, browser, live_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CACHED = "() => caches.open('spak-kiosk-v1').then(c => c.keys()).then(k => k.map(r => r.url))"


def _complete_one(page, survey, form_url):
    page.goto(form_url)
    page.locator(f'input[name="service"][value="{survey.visit.pk}"]').check()
    _answer_everything(page, survey)
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_selector("text=Terima kasih")


def test_enrolled_kiosk_queues_offline_and_sends_once_when_back_online(browser, live_server, survey):  # noqa: F811
    officer = survey.org.officer_semarang
    _device, code = start_kiosk_enrolment(access_point=survey.kiosk, acting_user=officer)
    context = browser.new_context(viewport={"width": 800, "height": 1280}, locale="id-ID")
    page = context.new_page()
    form_url = live_server.url + survey.kiosk_url
    page.goto(live_server.url + reverse("kiosk_enrol", kwargs={"token": survey.kiosk.token}))
    page.get_by_label("Kode pendaftaran").fill(code)
    page.get_by_role("button", name="Daftarkan tablet ini").click()
    page.wait_for_url(form_url)
    page.evaluate("() => navigator.serviceWorker.ready")
    for _ in range(50):  # the page keeps the form and thank-you pages for the first offline moment
        if {form_url, form_url + "terima-kasih/"} <= set(page.evaluate(CACHED)):
            break
        page.wait_for_timeout(100)
    assert {form_url, form_url + "terima-kasih/"} <= set(page.evaluate(CACHED))

    context.set_offline(True)
    started = time.time()
    for _ in range(3):
        _complete_one(page, survey, form_url)
    page.goto(form_url)  # the form from the tablet's cache
    page.wait_for_selector("#kiosk-queue:has-text('3 jawaban')")
    assert page.locator("#kiosk-queue").inner_text() == "3 jawaban belum terkirim"
    queued = page.evaluate("() => kioskQueue.entries()")
    assert len(queued) == 3 and Response.objects.count() == 0

    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('kiosk-queue').hidden")
    stored = list(Response.objects.order_by("created_at"))
    assert len(stored) == 3 and {r.idempotency_key.hex for r in stored} == {e["key"].replace("-", "") for e in queued}
    for response, entry in zip(stored, sorted(queued, key=lambda e: e["completed"]), strict=True):
        assert abs(response.created_at.timestamp() * 1000 - entry["completed"]) < 1000
        assert started - 1 <= response.created_at.timestamp() <= time.time()
        assert response.channel == "kiosk" and response.device_hash == ""

    # The same queue sent again stores nothing new.
    page.evaluate("(entries) => Promise.all(entries.map(e => kioskQueue.add(e))).then(() => kioskQueue.flush("
                  "document.querySelector('meta[name=kiosk-offline]').dataset.sync))", queued)
    assert Response.objects.count() == 3 and page.evaluate("() => kioskQueue.entries()") == []

    # Revoked while offline: the queued answer is refused, kept visible to staff with the reason, counted.
    context.set_offline(True)
    _complete_one(page, survey, form_url)
    revoke_kiosk(device=KioskDevice.objects.get(access_point=survey.kiosk), acting_user=officer)
    context.set_offline(False)
    page.goto(form_url)
    page.wait_for_selector("#kiosk-queue:has-text('ditolak')")
    assert "1 jawaban ditolak server. Beri tahu petugas: Tablet ini sudah dicabut" in \
        page.locator("#kiosk-queue").inner_text()
    assert Response.objects.count() == 3
    assert KioskDevice.objects.get(access_point=survey.kiosk).refusals.count() == 1
    assert timedelta(0) <= timedelta(seconds=time.time() - started) < timedelta(minutes=2)
    context.close()
