"""A Kanwil reviewer, in a real browser, finds the injected burst in the queue and rejects it with a reason."""
import os
from datetime import date

import pytest
from playwright import sync_api

from responses.models import Response, ReviewDecision
from responses.simulation import simulate_traffic
from tests.factories import PASSWORD, make_access_point, make_period, pass_second_factor

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def browser_server(transactional_db):
    """A live server started after the test settings apply (pytest-django's `live_server` starts before
    them, with production settings that redirect to HTTPS)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.mark.browser
def test_kanwil_reviewer_rejects_the_injected_burst_from_the_queue(transactional_db, browser_server, org):
    period = make_period()
    make_access_point(org.semarang, name="Loket utama")
    make_access_point(org.semarang, name="Tablet ruang tunggu", kiosk=True)
    result = simulate_traffic(unit=org.semarang, period=period, day=date(2026, 11, 20), honest=40)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(locale="id-ID")
        page.goto(f"{browser_server.url}/akun/masuk/")
        page.fill("input[name=username]", org.kanwil_jateng.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form:has(input[name=username]) button[type=submit]")
        pass_second_factor(page, org.kanwil_jateng)
        assert "/staf/" in page.url, page.content()[:3000]
        page.click("nav >> text=Tinjauan validitas")
        # the summary row of the unit links its burst count to the filtered list
        page.click("a[href*='upt=lapas-semarang'][href*='aturan=burst']")
        assert page.locator("input[name=response]").count() >= len(result.coordinated_burst)
        page.check("input[data-select-all]")  # the small script ticks every row
        assert page.locator("input[name=response]:checked").count() == page.locator("input[name=response]").count()
        page.check("input[name=decision][value=reject]")
        page.fill("textarea[name=reason]", "Jawaban identik beruntun dari satu titik akses")
        page.click("text=Simpan keputusan")
        page.wait_for_selector(".alert-success")
        assert "jawaban ditolak" in page.inner_text(".alert-success")
        browser.close()

    assert Response.objects.filter(pk__in=result.coordinated_burst, status="rejected").count() == 8
    assert set(ReviewDecision.objects.values_list("reason", flat=True)) == {
        "Jawaban identik beruntun dari satu titik akses"}
