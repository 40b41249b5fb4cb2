"""The form in headless Chromium: the language switch keeps the answers, a kiosk resets its language and its
idle half-filled form, no sideways scrolling on narrow phones in either language."""
import pytest

from responses.models import Response

from .conftest import PHONE_UA
from .test_browser import ARGS, AXE, _answer_everything, browser, live_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _new_page(browser, *, width=360, javascript=True, bypass_csp=False):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 740}, java_script_enabled=javascript,
                                  is_mobile=True, has_touch=True, user_agent=PHONE_UA, locale="id-ID",
                                  bypass_csp=bypass_csp)
    return context, context.new_page()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_switching_language_keeps_the_answers(browser, live_server, survey, javascript):  # noqa: F811
    context, page = _new_page(browser, javascript=javascript)
    page.goto(live_server.url + survey.url)
    _answer_everything(page, survey)
    page.locator('input[name="age_band"][value="30-39"]').check()
    page.get_by_label("Saran untuk perbaikan layanan (opsional)").fill("Kursi tambahan.")

    page.get_by_role("button", name="EN").click()
    page.wait_for_selector('html[lang="en"]')
    assert page.locator("h2").first.inner_text().startswith("Part 1 of 5")
    assert page.locator(f'input[name="q{survey.spak.pk}_3"][value="2"]').is_checked()
    assert page.locator(f'input[name="q{survey.spkp.pk}_8"][value="3"]').is_checked()
    assert page.locator('input[name="age_band"][value="30-39"]').is_checked()
    assert page.get_by_label("Suggestion to improve the service (optional)").input_value() == "Kursi tambahan."
    assert page.locator("#errors").count() == 0 and Response.objects.count() == 0

    page.get_by_role("button", name="Send answers").click()
    page.wait_for_url("**/terima-kasih/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
    response = Response.objects.get()
    assert (response.age_band, response.suggestion) == ("30-39", "Kursi tambahan.")
    context.close()


def test_kiosk_returns_to_indonesian_after_each_response(browser, live_server, survey, settings):  # noqa: F811
    settings.FORM_KIOSK_REFRESH_SECONDS = 1
    context, page = _new_page(browser, width=800, javascript=False)
    form_url = live_server.url + survey.kiosk_url
    page.goto(form_url)
    page.get_by_role("button", name="EN").click()
    page.wait_for_selector('html[lang="en"]')
    page.locator(f'input[name="service"][value="{survey.visit.pk}"]').check()
    _answer_everything(page, survey)
    page.get_by_role("button", name="Send answers").click()
    page.wait_for_url("**/terima-kasih/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
    page.wait_for_url(form_url, timeout=5000)  # the thank-you page's meta refresh
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("button", name="Kirim jawaban").is_visible()
    assert Response.objects.count() == 1
    context.close()


def test_idle_kiosk_form_returns_to_a_fresh_form(browser, live_server, survey, settings):  # noqa: F811
    settings.FORM_KIOSK_IDLE_SECONDS = 2
    context, page = _new_page(browser, width=800)
    page.goto(live_server.url + survey.kiosk_url)
    page.get_by_role("button", name="EN").click()
    page.wait_for_selector('html[lang="en"]')
    page.locator(f'input[name="service"][value="{survey.visit.pk}"]').check()
    page.locator(f'input[name="q{survey.spak.pk}_1"][value="4"]').check()
    page.wait_for_selector('html[lang="id"]', timeout=6000)  # untouched: back to an empty Indonesian form
    assert page.locator("input[type=radio]:checked").count() == 0
    assert Response.objects.count() == 0
    context.close()


@pytest.mark.parametrize("width", [320, 360, 375])
@pytest.mark.parametrize("language", ["id", "en"])
def test_no_sideways_scrolling_on_narrow_phones(browser, live_server, survey, width, language):  # noqa: F811
    context, page = _new_page(browser, width=width, bypass_csp=True)  # to inject axe-core
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + survey.url)
    assert page.locator("html").get_attribute("lang") == language
    wide = page.evaluate("""() => {
      const limit = document.documentElement.clientWidth;
      return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > limit + 0.5
          || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
        .map(e => e.tagName + '.' + e.className + ':' + e.textContent.trim().slice(0, 30)).slice(0, 5);
    }""")
    assert wide == []
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    if width == 360 and language == "en":
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa',"
                               " 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})")
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
    context.close()
