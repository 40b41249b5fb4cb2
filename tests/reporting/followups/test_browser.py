"""A UPT officer records an action plan with evidence; Kanwil staff then see it on their monitoring table."""
import os
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from reporting.followups.models import ActionPlan
from tests.factories import PASSWORD, make_access_point, pass_second_factor

from .conftest import PNG, SPKP_SUMS, make_snapshot

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def sign_in(page, base, username):
    page.goto(f"{base}/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    pass_second_factor(page, get_user_model().objects.get(username=username))
    page.wait_for_url(f"{base}/staf/")


@pytest.mark.browser
def test_officer_records_plan_with_evidence_and_kanwil_sees_it(live_server, browser, org, periods, tmp_path):
    make_snapshot(org.semarang, periods.q3, periods.spkp, SPKP_SUMS, nrr=Decimal("3.50"), ik=Decimal("87.50"),
                  category="B")
    make_access_point(org.semarang)
    photo = tmp_path / "papan-alur.png"
    photo.write_bytes(PNG)
    base = live_server.url
    errors = []

    page = browser.new_page(locale="id-ID")
    # Every page and asset loads (the browser's own favicon probe aside); CSP violations show as console errors.
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and "404" not in msg.text else None)
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
    sign_in(page, base, "petugas.semarang")
    page.click("nav >> text=Tindak lanjut")
    page.wait_for_url(f"{base}/staf/upt/lapas-semarang/tindak-lanjut/")
    checklist = page.locator("#checklist")
    assert "Daftar periksa periode" in checklist.inner_text()
    assert checklist.locator('[data-check="access_points"]').get_attribute("data-done") == "yes"
    assert checklist.locator('[data-check="follow_up"]').get_attribute("data-done") == "no"

    page.locator('tr[data-indicator="SPKP3"] >> text=Catat rencana').click()
    page.fill("textarea[name=problem]", "Responden bingung alur kunjungan")
    page.fill("textarea[name=cause]", "Belum ada papan alur di loket")
    page.fill("textarea[name=action]", "Memasang papan alur kunjungan di loket depan")
    page.fill("input[name=person_in_charge]", "Kasubsi Registrasi")
    page.fill("input[name=deadline]", "2026-10-15")
    page.check("input[name=is_public]")
    page.set_input_files("input[name=evidence]", str(photo))
    page.click("main button[type=submit] >> text=Simpan")
    page.wait_for_url(f"{base}/staf/tindak-lanjut/*/")
    assert "Rencana tindak lanjut disimpan." in page.content()
    assert page.locator("#evidence-list").inner_text().startswith("papan-alur.png")
    plan = ActionPlan.objects.get()
    assert (plan.indicator_code, plan.deadline, plan.evidence.count()) == ("SPKP3", date(2026, 10, 15), 1)

    page.goto(f"{base}/staf/upt/lapas-semarang/tindak-lanjut/")
    assert "Memasang papan alur" in page.locator('[data-instrument="SPKP"] tr[data-indicator="SPKP3"]').inner_text()
    page.click("button >> text=Keluar")

    sign_in(page, base, "staf.jateng")
    page.click("nav >> text=Monitoring tindak lanjut")
    row = page.locator("#monitoring-table tbody tr", has_text="Memasang papan alur")
    assert row.count() == 1
    assert "Lapas Kelas I Semarang" in row.inner_text()
    assert row.get_attribute("data-status") == "overdue"  # the deadline has passed and it is not done
    assert "table-danger" in row.get_attribute("class")
    assert errors == []
