"""Staff pages on a phone (360 px) as a Kanwil user: the navigation opens, nothing scrolls the page sideways,
and axe-core finds no serious or critical accessibility violation on the dashboards and the review queue."""
import os
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from reporting.snapshots import recompute_period
from responses.simulation import simulate_traffic
from tests.factories import make_access_point, make_period, make_target

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
sync_api = pytest.importorskip("playwright.sync_api")

AXE = Path(__file__).resolve().parent.parent / "responses" / "vendor" / "axe-4.14.1.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
PHONE = {"width": 360, "height": 740}
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_server(transactional_db):
    """A live server started after the test settings apply (see tests/responses/test_review_browser.py)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def busy_region(org):
    """Jateng with honest and injected traffic at Lapas Semarang (flagged responses for the review queue),
    targets, and computed snapshots."""
    period = make_period()
    for unit in (org.semarang, org.surakarta):
        for service in unit.services.all():
            make_target(period, service, population=100)
    make_access_point(org.semarang, name="Loket utama")
    make_access_point(org.semarang, name="Tablet ruang tunggu", kiosk=True)
    simulate_traffic(unit=org.semarang, period=period, day=date(2026, 11, 20), honest=10)
    recompute_period(period.pk)
    return period


def serious(page) -> list:
    # Evaluated, not added as a <script> tag, so the page's Content-Security-Policy stays in force.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def sideways(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_kanwil_user_on_a_phone(browser_server, org, busy_region, client):
    client.force_login(org.kanwil_jateng, backend="django.contrib.auth.backends.ModelBackend")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        # axe injects its own script, which the page's Content-Security-Policy would refuse.
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": browser_server.url}])
        page = context.new_page()
        problems = []
        # Scripts refused by the Content-Security-Policy, and failed requests for the page's own files.
        page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("response", lambda r: problems.append(r.url) if r.status >= 400 else None)

        page.goto(browser_server.url + reverse("dashboard_kanwil", kwargs={"code": org.jateng.code}))
        review_link = page.locator("#main-nav").get_by_role("link", name="Tinjauan validitas")
        assert not review_link.is_visible()  # collapsed behind its button at phone width
        page.get_by_role("button", name="Buka atau tutup menu").click()
        review_link.wait_for(state="visible")
        assert page.get_by_role("button", name="Buka atau tutup menu").get_attribute("aria-expanded") == "true"
        assert sideways(page) <= 0, "the Kanwil dashboard scrolls sideways at 360 px"
        assert serious(page) == []

        page.goto(browser_server.url + reverse("dashboard_unit", kwargs={"code": org.semarang.code}))
        page.wait_for_selector(".chart-box.chart-ready canvas")
        assert sideways(page) <= 0
        assert serious(page) == []

        review_link = page.locator("#main-nav").get_by_role("link", name="Tinjauan validitas")
        page.get_by_role("button", name="Buka atau tutup menu").click()
        review_link.click()
        page.wait_for_url("**/staf/tinjauan/")
        assert page.locator("input[name=response]").count() > 0
        assert sideways(page) <= 0
        assert serious(page) == []
        assert problems == []
        browser.close()


def test_navigation_stays_open_without_javascript(browser_server, org, client):
    client.force_login(org.kanwil_jateng, backend="django.contrib.auth.backends.ModelBackend")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="id-ID")
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": browser_server.url}])
        page = context.new_page()
        page.goto(browser_server.url + "/staf/")
        assert page.locator("#main-nav").get_by_role("link", name="Tinjauan validitas").is_visible()
        assert not page.get_by_role("button", name="Buka atau tutup menu").is_visible()
        browser.close()
