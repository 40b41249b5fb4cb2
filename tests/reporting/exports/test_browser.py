"""Kanwil staff, in a real browser: request a recap, wait on the download centre, download and open it."""
import os

import openpyxl
import pytest

from tests.factories import PASSWORD, pass_second_factor

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def live_server(live_server, settings):
    """The session's live server with its middleware rebuilt under this test's settings (the server starts
    before the settings fixture turns SECURE_SSL_REDIRECT off, and SecurityMiddleware reads it once)."""
    settings.SECURE_SSL_REDIRECT = False
    live_server.thread.httpd.get_app().application.load_middleware()
    return live_server


@pytest.mark.browser
def test_kanwil_staff_request_and_download_a_recap(live_server, transactional_db, dataset, org, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(accept_downloads=True, locale="id-ID").new_page()
            page.goto(f"{live_server.url}/akun/masuk/")
            page.fill("#id_username", org.kanwil_jateng.username)
            page.fill("#id_password", PASSWORD)
            page.click("#main form button[type=submit]")
            pass_second_factor(page, org.kanwil_jateng)
            page.click("text=Pusat unduhan")
            page.select_option("#id_scope", "kanwil:jateng-pas")
            page.select_option("#id_kind", "recap")
            page.click("button:has-text('Minta ekspor')")
            page.wait_for_selector("text=Permintaan ekspor diterima")
            # The centre reloads itself (meta refresh) until the file is ready.
            link = page.wait_for_selector("a[href*='/unduh/']", timeout=30_000)
            with page.expect_download() as download_info:
                link.click()
            download = download_info.value
            assert download.suggested_filename == "Rekap_SPAK_SPKP_jateng-pas_Triwulan_IV_2026.xlsx"
            path = tmp_path / download.suggested_filename
            download.save_as(path)
        finally:
            browser.close()
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Sampul", "IPAK", "IPKP", "Per layanan", "Demografi", "Butir tambahan",
                             "Rencana tindak lanjut"]
    assert wb["IPKP"]["Q5"].value == 87.5
