"""A new UPT officer, in a browser: logs in, sees the open period, enters this quarter's populations, reads the
target, creates a counter access point and downloads a poster whose QR code opens the public form."""
import io
import os

import pytest
import zxingcpp
from PIL import Image

from surveys.models import AccessPoint, Target
from tests.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_server(live_server, settings):
    """The session's live server, its middleware rebuilt under this test's settings (SecurityMiddleware reads
    SECURE_SSL_REDIRECT once, when built, and the server starts before the settings fixture turns it off)."""
    settings.SECURE_SSL_REDIRECT = False
    live_server.thread.httpd.get_app().application.load_middleware()
    return live_server


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  locale="id-ID")
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        yield context.new_page()
        context.close()
        browser.close()


def test_officer_sets_targets_and_prints_a_working_poster(org, period, live_server, page, settings):
    settings.PUBLIC_BASE_URL = ""  # posters then carry the address the officer is using
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("input[name=username]", "petugas.semarang")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staf/")
    assert "Triwulan IV 2026" in page.content()

    page.click("nav a[href=\"/staf/upt/lapas-semarang/\"]")  # "UPT saya" in the navigation
    page.wait_for_url("**/staf/upt/lapas-semarang/")
    assert "Dibuka" in page.content() and "Populasi 2 jenis layanan belum diisi" in page.content()
    page.click("text=Isi populasi dan lihat target")
    page.get_by_label("Kunjungan keluarga").fill("1000")
    page.get_by_label("Penitipan barang").fill("100")
    page.click("button:has-text('Simpan')")
    page.wait_for_selector("text=2 jenis layanan disimpan.")
    row = page.locator("#targets tr", has_text="Kunjungan keluarga")
    assert row.locator(".target-effective").inner_text() == "259"
    assert page.locator("#unit-target .target-effective").inner_text() == "285"  # Krejcie–Morgan of 1,100
    assert Target.objects.filter(period=period, service__unit=org.semarang).count() == 2

    page.click("text=Lapas Kelas I Semarang")
    page.click("text=Kelola titik akses")
    page.fill("#new-access-point input[name=name]", "Loket kunjungan")
    page.select_option("#new-access-point select[name=kind]", "counter")
    page.select_option("#new-access-point select[name=default_service]", label="Kunjungan keluarga")
    page.click("#new-access-point button[type=submit]")
    page.wait_for_selector("#public-url")
    point = AccessPoint.objects.get(name="Loket kunjungan")
    form_url = f"{live_server.url}/s/{point.token}/"
    assert page.locator("#public-url").inner_text() == form_url
    page.get_by_role("button", name="Salin alamat").click()  # shown by the script; without it, the plain link
    page.wait_for_selector("#copy-status:has-text('Alamat disalin.')")
    assert page.evaluate("() => navigator.clipboard.readText()") == form_url

    with page.expect_download() as download_info:
        page.click("#poster-png")
    path = download_info.value.path()
    with open(path, "rb") as fh:
        image = Image.open(io.BytesIO(fh.read()))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [form_url]

    # The printable HTML poster scans too, as the browser draws it.
    page.click("text=Poster A4 (cetak)")
    shot = page.locator(".poster-qr").screenshot()
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))] == [form_url]
    assert form_url in page.locator(".poster-url").inner_text()
