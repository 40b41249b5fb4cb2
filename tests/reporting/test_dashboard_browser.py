"""One staff flow in a real browser: the UPT dashboard draws its charts under the Content-Security-Policy."""
import os

import pytest
from django.urls import reverse

from reporting.snapshots import recompute_period
from tests.factories import make_period, make_target

from .conftest import WORKED_SPAK, WORKED_SPKP, make_response

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def live_server(live_server, settings):
    """The session-wide live server loaded its middleware before the settings fixture turned
    SECURE_SSL_REDIRECT off; reload it so plain http works."""
    settings.SECURE_SSL_REDIRECT = False
    live_server.thread.httpd.get_app().application.load_middleware()
    return live_server


@pytest.mark.browser
def test_unit_dashboard_draws_charts_without_csp_errors(live_server, org, client):
    from playwright.sync_api import sync_playwright

    period = make_period()
    for service in org.semarang.services.all():
        make_target(period, service, population=100)
    for spkp, spak in zip(WORKED_SPKP, WORKED_SPAK, strict=True):
        make_response(period=period, unit=org.semarang, scores={"SPKP": spkp, "SPAK": spak})
    recompute_period(period.pk)
    client.force_login(org.officer_semarang, backend="django.contrib.auth.backends.ModelBackend")
    session = client.cookies["sessionid"].value

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(live_server.url + reverse("dashboard_unit", kwargs={"code": org.semarang.code}))
        page.wait_for_selector(".chart-box.chart-ready canvas")
        assert page.locator(".chart-box.chart-ready").count() >= 3  # two indicator charts and the daily one
        assert page.locator("[data-figure=IPKP]").inner_text() == "3,50"
        assert not [m for m in problems if "Content Security Policy" in m or "Refused" in m], problems
        browser.close()


@pytest.mark.browser
def test_kanwil_funnel_plot_renders_with_its_table_of_outlying_units(live_server, org, client):
    from playwright.sync_api import sync_playwright

    period = make_period()
    for spkp, spak in zip(WORKED_SPKP, WORKED_SPAK, strict=True):
        make_response(period=period, unit=org.semarang, scores={"SPKP": spkp, "SPAK": spak})
    for _ in range(30):  # Surakarta: IK 50,00, below the region's 95 % limit (tests/reporting/test_dashboards.py)
        make_response(period=period, unit=org.surakarta, scores={"SPKP": [2] * 8, "SPAK": [4] * 5})
    recompute_period(period.pk)
    client.force_login(org.kanwil_jateng, backend="django.contrib.auth.backends.ModelBackend")
    session = client.cookies["sessionid"].value

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(live_server.url + reverse("dashboard_kanwil", kwargs={"code": org.jateng.code}))
        funnel = page.locator("[data-funnel=IPKP]")
        funnel.locator(".chart-box.chart-ready canvas").wait_for()
        assert funnel.locator("canvas").bounding_box()["height"] > 100
        rows = funnel.locator("tr[data-outside]")
        assert rows.count() == 2
        assert org.semarang.name in rows.nth(0).inner_text() and "di atas batas" in rows.nth(0).inner_text()
        assert org.surakarta.name in rows.nth(1).inner_text() and "di bawah batas" in rows.nth(1).inner_text()
        assert not [m for m in problems if "Content Security Policy" in m or "Refused" in m], problems
        browser.close()
