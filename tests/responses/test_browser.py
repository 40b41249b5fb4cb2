"""The respondent's phone flow in headless Chromium (360×740), with and without JavaScript, and a kiosk."""
import os
from pathlib import Path

import pytest
from django.urls import reverse

from responses.devices import COOKIE_NAME
from responses.models import Response, Scoresheet

from .conftest import PHONE_UA

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
sync_api = pytest.importorskip("playwright.sync_api")

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
PHONE = {"width": 360, "height": 740}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_server(live_server, settings):
    """The session's live server with its middleware rebuilt under this test's settings: the server starts
    before the function-scoped settings fixture turns SECURE_SSL_REDIRECT off, and SecurityMiddleware
    reads it once, when it is built."""
    settings.SECURE_SSL_REDIRECT = False
    live_server.thread.httpd.get_app().application.load_middleware()
    return live_server


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield browser
        browser.close()


def _answer_everything(page, survey, *, spak_score=4, odd_one=2, spkp_score=3):
    for indicator in survey.spak.indicators.all():
        score = odd_one if indicator.position == 3 else spak_score
        page.locator(f'input[name="q{survey.spak.pk}_{indicator.position}"][value="{score}"]').check()
    for indicator in survey.spkp.indicators.all():
        page.locator(f'input[name="q{survey.spkp.pk}_{indicator.position}"][value="{spkp_score}"]').check()


def _assert_stored(survey):
    response = Response.objects.get()
    spak = Scoresheet.objects.get(response=response, version=survey.spak)
    spkp = Scoresheet.objects.get(response=response, version=survey.spkp)
    assert spak.scores(5) == [4, 4, 2, 4, 4]
    assert spkp.scores(8) == [3] * 8
    return response


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_respondent_fills_and_submits_on_a_phone(browser, live_server, survey, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript, is_mobile=True, has_touch=True,
                                  user_agent=PHONE_UA, locale="id-ID")
    page = context.new_page()
    external = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))
    page.goto(live_server.url + survey.url)
    assert page.get_by_role("heading", level=1).inner_text() == "Lapas Kelas I Semarang"
    assert page.locator(f'input[name="service"][value="{survey.visit.pk}"]').is_checked()

    # A missing answer comes back with a message at the item and the other answers kept.
    _answer_everything(page, survey)
    if javascript:  # un-answering a radio needs a script; the browser's own check is bypassed to reach ours
        missing = f"q{survey.spkp.pk}_4"
        page.locator(f'input[name="{missing}"]:checked').evaluate(
            "e => { e.checked = false; e.form.noValidate = true; }")
        page.get_by_role("button", name="Kirim jawaban").click()
        assert page.locator(f"#e-{missing}").inner_text().endswith("Pilih salah satu jawaban untuk pernyataan ini.")
        assert page.locator(f'input[name="q{survey.spak.pk}_3"][value="2"]').is_checked()
        page.locator(f'input[name="{missing}"][value="3"]').check()

    page.locator('input[name="age_band"][value="30-39"]').check()
    page.locator('input[name="steered"][value="tidak"]').check()
    page.get_by_label("Saran untuk perbaikan layanan (opsional)").fill("Papan informasi diperbesar.")
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_url(f"**{reverse('public_form_thanks', kwargs={'token': survey.counter.token})}")
    assert "Terima kasih" in page.get_by_role("heading", level=1).inner_text()

    response = _assert_stored(survey)
    assert (response.age_band, response.steered, response.suggestion) == ("30-39", False, "Papan informasi diperbesar.")
    assert response.device_class == "mobile" and len(response.device_hash) == 64
    assert any(c["name"] == COOKIE_NAME and c["httpOnly"] for c in context.cookies())
    assert external == []
    context.close()


def test_form_is_accessible_and_fits_320px(browser, live_server, survey):
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True, locale="id-ID")
    page = context.new_page()
    page.goto(live_server.url + survey.url)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
        " 'wcag22aa', 'best-practice']}})"
    )
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []

    sizes = page.evaluate("""() => {
      const doc = document.documentElement;
      const visible = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
      const texts = [...document.querySelectorAll('body *')].filter(e => visible(e) &&
          [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
      const targets = [...document.querySelectorAll('.opts label, button, textarea, input[type=text]')]
          .filter(visible);
      return {
        overflow: doc.scrollWidth - doc.clientWidth,
        smallestFont: Math.min(...texts.map(e => parseFloat(getComputedStyle(e).fontSize))),
        smallestTarget: Math.min(...targets.map(e => Math.min(e.getBoundingClientRect().height,
                                                             e.getBoundingClientRect().width))),
        targets: targets.length,
      };
    }""")
    assert sizes["overflow"] <= 0, "horizontal scrolling at 320 px"
    assert sizes["smallestFont"] >= 16
    assert sizes["targets"] > 60 and sizes["smallestTarget"] >= 44

    # The page with messages at faulty items passes the same checks.
    page.evaluate("document.querySelector('main form').noValidate = true")
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_selector("#errors")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
    assert [v["id"] for v in result["violations"]] == []
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

    page.goto(live_server.url + survey.url)
    page.keyboard.press("Tab")  # skip the language buttons and the privacy notice link to the first radio
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "/privasi/"
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement.closest('label')).outlineStyle")
    assert outline == "solid"  # visible focus on the option the keyboard is on
    context.close()


def test_kiosk_returns_to_an_empty_form_by_itself(browser, live_server, survey, settings):
    settings.FORM_KIOSK_REFRESH_SECONDS = 1
    context = browser.new_context(viewport={"width": 800, "height": 1280}, java_script_enabled=False, locale="id-ID")
    page = context.new_page()
    form_url = live_server.url + survey.kiosk_url
    page.goto(form_url)
    page.locator(f'input[name="service"][value="{survey.visit.pk}"]').check()
    _answer_everything(page, survey)
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_url("**/terima-kasih/")
    page.wait_for_url(form_url, timeout=5000)  # the meta refresh, no JavaScript
    assert page.locator("input[type=radio]:checked").count() == 0
    assert page.get_by_label("Saran untuk perbaikan layanan (opsional)").input_value() == ""
    assert not any(c["name"] == COOKIE_NAME for c in context.cookies())
    response = _assert_stored(survey)
    assert response.channel == "kiosk" and response.device_hash == ""
    context.close()


def test_ticket_qr_scanned_and_typed_code_reach_the_form_once(browser, live_server, survey, settings):
    """A printed ticket's QR code (decoded from its PDF) opens the form at 360×740; with JS off, typing the
    code on /t/ reaches the form too; each ticket stores one response."""
    import io

    import pypdfium2
    import zxingcpp

    from surveys.audit import system_actor
    from surveys.pdf import html_to_pdf
    from surveys.staff.tickets import LAYOUTS, _slips
    from surveys.tickets import issue_tickets

    settings.PUBLIC_BASE_URL = live_server.url
    batch = issue_tickets(access_point=survey.counter, count=2, layout="58mm", service=survey.visit,
                          acting_user=system_actor())
    first, second = batch.tickets.order_by("pk")
    from django.template.loader import render_to_string

    from surveys.pdf import font_uris, static_uri

    html = render_to_string("surveys/tickets/print.html", {
        "unit": survey.unit, "slips": _slips(None, [first]), "layout": LAYOUTS["58mm"], "entry_url": "/t/",
        "stylesheet": static_uri("css/tickets.css"), "fonts": font_uris()})
    image = pypdfium2.PdfDocument(io.BytesIO(html_to_pdf(html)))[0].render(scale=4).to_pil()
    [scanned] = [code.text for code in zxingcpp.read_barcodes(image)]
    assert scanned == f"{live_server.url}/t/{first.code}/"

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, user_agent=PHONE_UA, locale="id-ID")
    page = context.new_page()
    page.goto(scanned)
    assert page.locator(f'input[name="service"][value="{survey.visit.pk}"]').is_checked()
    _answer_everything(page, survey)
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_url(f"**{reverse('public_form_thanks', kwargs={'token': survey.counter.token})}")
    assert "Terima kasih" in page.get_by_role("heading", level=1).inner_text()
    page.goto(scanned)
    assert "sudah dipakai" in page.get_by_role("heading", level=1).inner_text()
    context.close()

    no_js = browser.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True, user_agent=PHONE_UA,
                                locale="id-ID")
    page = no_js.new_page()
    page.goto(live_server.url + "/t/")
    page.get_by_label("Kode tiket").fill(f"{second.code[:4].lower()} {second.code[4:].lower()}")
    page.get_by_role("button", name="Buka survei").click()
    page.wait_for_url(f"**/t/{second.code}/")
    _answer_everything(page, survey)
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_url("**/terima-kasih/")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= PHONE["width"]
    no_js.close()
    assert list(Response.objects.values_list("channel", flat=True)) == ["ticket", "ticket"]
