"""Follow-up pages as each role sees them; every page refuses users outside its scope."""
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reporting.followups import services
from reporting.followups.models import ActionPlan, Evidence, PlanComment

from .conftest import PDF, PNG, SPKP_SUMS, make_snapshot, make_suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(org, periods, results):
    return services.create_action_plan(
        unit=org.semarang, period=periods.q3, version=periods.spkp, indicator_code="SPKP3",
        problem="Alur layanan membingungkan", cause="Papan alur tidak ada", action="Pasang papan alur di loket",
        person_in_charge="Kasubsi Registrasi", deadline=timezone.localdate() - timedelta(days=3),
        acting_user=org.officer_semarang, evidence_file=SimpleUploadedFile("notulen.pdf", PDF),
    )


def plan_form(periods, **overrides):
    data = {
        "indicator": f"{periods.spkp.pk}:SPKP3", "problem": "Alur membingungkan", "cause": "Tidak ada papan",
        "action": "Pasang papan alur", "person_in_charge": "Kasubsi Registrasi", "deadline": "2026-12-15",
        "status": "planned",
    }
    return {**data, **overrides}


# --------------------------------------------------------------------------- unit page
def test_officer_sees_checklist_and_prefilled_inventory(org, periods, results, login):
    page = login(org.officer_semarang).get("/staf/upt/lapas-semarang/tindak-lanjut/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Daftar periksa periode: Triwulan IV 2026" in html
    assert 'data-check="follow_up" data-done="no"' in html
    spkp = html[html.index('data-instrument="SPKP"'):]
    assert [code for code in ("SPKP3", "SPKP1", "SPKP6", "SPKP7") if f'data-indicator="{code}"' in spkp] == [
        "SPKP3", "SPKP1", "SPKP6", "SPKP7"]
    assert spkp.index('data-indicator="SPKP3"') < spkp.index('data-indicator="SPKP1"')
    assert 'data-indicator="SPKP2"' not in spkp
    assert "Catat rencana" in html


def test_unit_follow_up_page_is_scoped(org, periods, results, login, client):
    assert client.get("/staf/upt/lapas-semarang/tindak-lanjut/").status_code == 302
    assert login(org.officer_surakarta).get("/staf/upt/lapas-semarang/tindak-lanjut/").status_code == 404
    assert login(org.kanwil_diy).get("/staf/upt/lapas-semarang/tindak-lanjut/").status_code == 404
    page = login(org.kanwil_jateng).get("/staf/upt/lapas-semarang/tindak-lanjut/")
    assert page.status_code == 200 and "Catat rencana" not in page.content.decode()


def test_suggestion_list_links_to_a_new_plan_and_is_scoped(org, periods, results, login, settings):
    settings.DISCLOSURE_MIN_CELL, settings.DISCLOSURE_TEXT_DELAY_HOURS = 1, 0  # released at once (test_disclosure)
    suggestion = make_suggestion(org.semarang, periods.q3, "Mohon papan alur kunjungan")
    url = f"/staf/upt/lapas-semarang/tindak-lanjut/{periods.q3.pk}/saran/"
    page = login(org.officer_semarang).get(url).content.decode()
    assert "Mohon papan alur kunjungan" in page
    assert f"?saran={suggestion.pk}" in page
    form = login(org.officer_semarang).get(
        f"/staf/upt/lapas-semarang/tindak-lanjut/{periods.q3.pk}/rencana/baru/?saran={suggestion.pk}&indikator=SPKP3")
    assert form.status_code == 200
    html = form.content.decode()
    assert f'value="{suggestion.pk}"' in html and "checked" in html
    assert login(org.officer_yogyakarta).get(url).status_code == 404
    assert login(org.kanwil_diy).get(url).status_code == 404


# --------------------------------------------------------------------------- recording plans
def test_officer_records_a_plan_with_evidence_and_linked_suggestion(org, periods, results, login, settings):
    settings.DISCLOSURE_MIN_CELL, settings.DISCLOSURE_TEXT_DELAY_HOURS = 1, 0  # released at once (test_disclosure)
    suggestion = make_suggestion(org.semarang, periods.q3, "Mohon papan alur kunjungan")
    client = login(org.officer_semarang)
    data = plan_form(periods, suggestions=[suggestion.pk], is_public="on",
                     evidence=SimpleUploadedFile("foto.png", PNG, content_type="image/png"))
    response = client.post(f"/staf/upt/lapas-semarang/tindak-lanjut/{periods.q3.pk}/rencana/baru/", data)
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staf/tindak-lanjut/{plan.pk}/"
    assert (plan.indicator_code, plan.score, plan.is_public, plan.deadline) == (
        "SPKP3", Decimal("3.00"), True, date(2026, 12, 15))
    assert list(plan.suggestions.all()) == [suggestion]
    assert plan.evidence.get().content_type == "image/png"
    page = client.get(response["Location"]).content.decode()
    assert "Mohon papan alur kunjungan" in page and "foto.png" in page


def test_disallowed_evidence_returns_400_with_a_message_and_saves_nothing(org, periods, results, login):
    client = login(org.officer_semarang)
    data = plan_form(periods, evidence=SimpleUploadedFile("foto.png", b"<svg onload=alert(1)>"))
    response = client.post(f"/staf/upt/lapas-semarang/tindak-lanjut/{periods.q3.pk}/rencana/baru/", data)
    assert response.status_code == 400
    assert "Jenis berkas tidak diizinkan" in response.content.decode()
    assert not ActionPlan.objects.exists() and not Evidence.objects.exists()


def test_oversized_evidence_returns_400(org, periods, results, login, settings):
    settings.FOLLOWUP_EVIDENCE_MAX_BYTES = 100
    client = login(org.officer_semarang)
    data = plan_form(periods, evidence=SimpleUploadedFile("scan.pdf", PDF + b"x" * 200))
    response = client.post(f"/staf/upt/lapas-semarang/tindak-lanjut/{periods.q3.pk}/rencana/baru/", data)
    assert response.status_code == 400 and "terlalu besar" in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_missing_fields_return_400(org, periods, results, login):
    client = login(org.officer_semarang)
    response = client.post(f"/staf/upt/lapas-semarang/tindak-lanjut/{periods.q3.pk}/rencana/baru/",
                           plan_form(periods, action="", deadline="bukan tanggal"))
    assert response.status_code == 400
    early = client.post(f"/staf/upt/lapas-semarang/tindak-lanjut/{periods.q3.pk}/rencana/baru/",
                        plan_form(periods, deadline="2026-06-30"))
    assert early.status_code == 400
    assert "Tenggat tidak boleh sebelum awal periode Triwulan III 2026." in early.content.decode()
    assert not ActionPlan.objects.exists()


def test_only_the_units_own_officers_record_plans(org, periods, results, login):
    url = f"/staf/upt/lapas-semarang/tindak-lanjut/{periods.q3.pk}/rencana/baru/"
    assert login(org.kanwil_jateng).post(url, plan_form(periods)).status_code == 403
    assert login(org.officer_surakarta).post(url, plan_form(periods)).status_code == 404
    assert login(org.kanwil_diy).get(url).status_code == 404
    assert not ActionPlan.objects.exists()


def test_officer_updates_status_and_kanwil_cannot(org, plan, login):
    url = f"/staf/tindak-lanjut/{plan.pk}/ubah/"
    data = {"problem": plan.problem, "cause": plan.cause, "action": plan.action,
            "person_in_charge": plan.person_in_charge, "deadline": plan.deadline.isoformat(), "status": "done"}
    assert login(org.kanwil_jateng).post(url, data).status_code == 403
    assert login(org.officer_yogyakarta).post(url, data).status_code == 404
    assert login(org.officer_semarang).post(url, data).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "done" and plan.done_on == timezone.localdate()


def test_plan_detail_is_scoped(org, plan, login):
    url = f"/staf/tindak-lanjut/{plan.pk}/"
    assert login(org.officer_semarang).get(url).status_code == 200
    assert login(org.kanwil_jateng).get(url).status_code == 200
    assert login(org.pusat).get(url).status_code == 200
    assert login(org.officer_surakarta).get(url).status_code == 404
    assert login(org.kanwil_diy).get(url).status_code == 404


# --------------------------------------------------------------------------- evidence
def test_evidence_download_only_in_scope(org, plan, login, client):
    evidence = plan.evidence.get()
    url = f"/staf/tindak-lanjut/bukti/{evidence.pk}/unduh/"
    response = login(org.kanwil_jateng).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="notulen.pdf"' in response["Content-Disposition"]
    assert login(org.kanwil_diy).get(url).status_code == 404
    assert login(org.officer_yogyakarta).get(url).status_code == 404
    assert login(org.officer_surakarta).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_evidence_is_not_reachable_under_static_or_media_urls(org, plan, client):
    name = plan.evidence.get().file.name
    assert client.get(f"/static/{name}").status_code == 404
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/{name}").status_code == 404


def test_evidence_upload_on_plan_page(org, plan, login):
    url = f"/staf/tindak-lanjut/{plan.pk}/bukti/"
    client = login(org.officer_semarang)
    assert client.post(url, {"file": SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20)}).status_code == 302
    bad = client.post(url, {"file": SimpleUploadedFile("a.jpg", b"GIF89a")})
    assert bad.status_code == 400 and "Jenis berkas tidak diizinkan" in bad.content.decode()
    assert plan.evidence.count() == 2  # the one from creation and the JPEG
    assert login(org.kanwil_jateng).post(url, {"file": SimpleUploadedFile("b.png", PNG)}).status_code == 403
    assert login(org.officer_yogyakarta).post(url, {"file": SimpleUploadedFile("b.png", PNG)}).status_code == 404


# --------------------------------------------------------------------------- comments and monitoring
def test_kanwil_comments_on_a_plan(org, plan, login):
    url = f"/staf/tindak-lanjut/{plan.pk}/komentar/"
    response = login(org.kanwil_jateng).post(url, {"body": "Mohon lampirkan foto papan"})
    assert response.status_code == 302
    assert PlanComment.objects.get().author == org.kanwil_jateng
    page = login(org.officer_semarang).get(f"/staf/tindak-lanjut/{plan.pk}/").content.decode()
    assert "Mohon lampirkan foto papan" in page
    assert login(org.kanwil_jateng).post(url, {"body": "   "}).status_code == 400
    assert login(org.kanwil_diy).post(url, {"body": "x"}).status_code == 404
    assert PlanComment.objects.count() == 1


def test_monitoring_table_highlights_overdue_and_filters(org, periods, plan, login):
    services.create_action_plan(
        unit=org.surakarta, period=periods.q3, version=periods.spak, indicator_code="SPAK4", problem="p", cause="c",
        action="Sosialisasi tarif resmi", person_in_charge="Ka. Rutan", deadline=timezone.localdate() + timedelta(30),
        acting_user=org.officer_surakarta,
    )
    services.create_action_plan(
        unit=org.yogyakarta, period=periods.q3, version=periods.spak, indicator_code="SPAK4", problem="p", cause="c",
        action="Rencana di Yogyakarta", person_in_charge="x", deadline=date(2026, 1, 1),
        acting_user=org.officer_yogyakarta,
    )
    client = login(org.kanwil_jateng)
    html = client.get("/staf/tindak-lanjut/monitoring/").content.decode()
    assert '<tr class="table-danger" data-status="overdue">' in html
    assert "Pasang papan alur di loket" in html and "Sosialisasi tarif resmi" in html
    assert "Rencana di Yogyakarta" not in html
    overdue = client.get("/staf/tindak-lanjut/monitoring/?status=overdue").content.decode()
    assert "Pasang papan alur di loket" in overdue and "Sosialisasi tarif resmi" not in overdue
    by_unit = client.get(f"/staf/tindak-lanjut/monitoring/?unit={org.surakarta.pk}").content.decode()
    assert "Sosialisasi tarif resmi" in by_unit and "Pasang papan alur" not in by_unit
    # A unit of another region is not a valid filter choice: 400, and nothing of it shown.
    other = client.get(f"/staf/tindak-lanjut/monitoring/?unit={org.yogyakarta.pk}")
    assert other.status_code == 400 and "Rencana di Yogyakarta" not in other.content.decode()
    assert "Rencana di Yogyakarta" in login(org.pusat).get("/staf/tindak-lanjut/monitoring/").content.decode()


def test_monitoring_is_for_kanwil_and_pusat(org, login, client):
    assert login(org.officer_semarang).get("/staf/tindak-lanjut/monitoring/").status_code == 403
    assert login(org.kanwil_diy).get("/staf/tindak-lanjut/monitoring/").status_code == 200
    client.logout()
    assert client.get("/staf/tindak-lanjut/monitoring/").status_code == 302


def test_targets_page_is_for_pusat(org, periods, login):
    assert login(org.kanwil_jateng).get("/staf/tindak-lanjut/target/").status_code == 403
    assert login(org.officer_semarang).get("/staf/tindak-lanjut/target/").status_code == 403
    client = login(org.pusat)
    response = client.post("/staf/tindak-lanjut/target/",
                           {"instrument": periods.spkp.instrument.pk, "period": "", "target_nrr": "3.75"})
    assert response.status_code == 302
    assert "3,75" in client.get("/staf/tindak-lanjut/target/").content.decode()  # Indonesian decimal comma
    assert client.post("/staf/tindak-lanjut/target/", {"instrument": periods.spkp.instrument.pk,
                                                        "target_nrr": "-1"}).status_code == 400


# --------------------------------------------------------------------------- guide
def test_guide_is_for_staff_and_links_the_methodology(org, login, client):
    assert client.get("/panduan/").status_code == 302
    html = login(org.officer_semarang).get("/panduan/").content.decode()
    assert 'href="/metodologi/"' in html
    assert "Petugas tidak pernah mengisi survei untuk responden" in html
    assert "Poster di titik keluar" in html


# --------------------------------------------------------------------------- public pages
def test_public_unit_page_shows_closed_final_figures_and_public_items_only(org, periods, results, client, settings):
    settings.PUBLIC_MIN_RESPONSES = 1  # the fixture's figures come from 5 responses
    make_snapshot(org.semarang, periods.q4, periods.spkp, [12] * 8, final=False, nrr=Decimal("2.40"))
    suggestion = make_suggestion(org.semarang, periods.q3, "Saran rahasia responden")
    services.create_action_plan(
        unit=org.semarang, period=periods.q3, version=periods.spkp, indicator_code="SPKP3", problem="Masalah internal",
        cause="Penyebab internal", action="Pasang papan alur di loket", person_in_charge="Kasubsi Registrasi",
        deadline=date(2026, 12, 1), is_public=True, suggestions=[suggestion], acting_user=org.officer_semarang,
    )
    services.create_action_plan(
        unit=org.semarang, period=periods.q3, version=periods.spkp, indicator_code="SPKP1", problem="p", cause="c",
        action="Rencana internal saja", person_in_charge="x", deadline=date(2026, 12, 1),
        acting_user=org.officer_semarang,
    )
    services.create_action_plan(
        unit=org.semarang, period=periods.q4, version=periods.spkp, indicator_code="SPKP1", problem="p", cause="c",
        action="Rencana periode berjalan", person_in_charge="x", deadline=date(2026, 12, 1), is_public=True,
        acting_user=org.officer_semarang,
    )
    response = client.get("/hasil/upt/lapas-semarang/")
    assert response.status_code == 200
    html = response.content.decode()
    # Figures are shown with the Indonesian decimal comma.
    assert "Triwulan III 2026" in html and "3,50" in html and "3,68" in html and "87,50" in html
    assert "2,40" not in html  # the open period's running figure
    assert "Pasang papan alur di loket" in html
    for hidden in ("Rencana internal saja", "Rencana periode berjalan", "Saran rahasia responden",
                   "Masalah internal", "Penyebab internal", "Kasubsi Registrasi"):
        assert hidden not in html
    assert "Indeks Persepsi Anti Korupsi" in html and "Indeks Persepsi Kualitas Pelayanan" in html


def test_public_kanwil_page_lists_units_and_region_figures(org, periods, results, client):
    from reporting.models import Level

    make_snapshot(None, periods.q3, periods.spkp, SPKP_SUMS, n=5, nrr=Decimal("3.50"), category="B",
                  level=Level.KANWIL, kanwil=org.jateng)
    make_snapshot(org.yogyakarta, periods.q3, periods.spkp, [10] * 8, nrr=Decimal("2.00"), category="D")
    html = client.get("/hasil/jateng-pas/").content.decode()
    assert "Kanwil Ditjenpas Jawa Tengah" in html
    assert "Lapas Kelas I Semarang" in html and "Rutan Kelas I Surakarta" in html
    assert "belum ada angka final" in html  # Surakarta has none
    assert "Lapas Kelas IIA Yogyakarta" not in html and "2,00" not in html
    assert 'data-index="IPKP"' in html  # the region's pooled figure
    assert client.get("/hasil/tidak-ada/").status_code == 404
    assert client.get("/hasil/upt/tidak-ada/").status_code == 404
    assert "/hasil/jateng-pas/" in client.get("/hasil/").content.decode()


def test_landing_links_the_public_results(db, client):
    assert 'href="/hasil/"' in client.get("/").content.decode()


def test_guide_and_follow_up_page_read_in_english(org, periods, results, login):
    client = login(org.officer_semarang)
    guide = client.get("/panduan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Officers never fill in the survey for a respondent" in guide
    assert "A poster at the exit point" in guide
    page = client.get("/staf/upt/lapas-semarang/tindak-lanjut/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Period checklist" in page and "below target" in page and "Record a plan" in page
    assert "Service Quality Perception Index" in page


def test_officer_removes_wrong_evidence_and_the_file_goes_too(org, plan, login, django_capture_on_commit_callbacks):
    evidence = plan.evidence.get()
    stored = Path(evidence.file.path)
    url = f"/staf/tindak-lanjut/bukti/{evidence.pk}/hapus/"
    assert login(org.kanwil_jateng).post(url).status_code == 403
    assert login(org.officer_yogyakarta).post(url).status_code == 404
    assert login(org.officer_semarang).get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert login(org.officer_semarang).post(url).status_code == 302
    assert not Evidence.objects.exists()
    assert not stored.exists()


# --------------------------------------------------------------------------- the partials on other pages
def test_officer_home_and_unit_page_show_the_period_checklist(org, periods, results, login):
    client = login(org.officer_semarang)
    for url in ("/staf/", "/staf/upt/lapas-semarang/"):
        html = client.get(url).content.decode()
        assert "Daftar periksa periode: Triwulan IV 2026" in html and 'data-check="targets"' in html
    # Kanwil staff see a unit's checklist on its page, not on their own home.
    kanwil = login(org.kanwil_jateng)
    assert 'data-check="targets"' not in kanwil.get("/staf/").content.decode()
    assert 'data-check="targets"' in kanwil.get("/staf/upt/lapas-semarang/").content.decode()


def test_unit_dashboard_shows_how_planned_indicators_moved(org, periods, results, login):
    from .test_selectors import plan

    plan(org, periods, "SPKP3")
    make_snapshot(org.semarang, periods.q4, periods.spkp, [17, 18, 18, 18, 20, 17, 17, 18], final=False)
    html = login(org.officer_semarang).get(f"/staf/dasbor/upt/lapas-semarang/?periode={periods.q4.pk}").content.decode()
    assert 'data-indicator="SPKP3"' in html and "+0,60" in html
