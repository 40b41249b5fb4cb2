"""The official report (PDF and printable page), the announcement poster and the Zona Integritas evidence pack.

Figures are the hand-made dataset's (conftest.py): Lapas Semarang SPKP NRR 3,50, IK 87,50, B from 5 counted
responses against a target of 10; SPAK 3,88, IK 97,00, A. SPKP indicator 3 (sum 15 / 5 = 3,00, IK 75,00, C) is
the weakest.
"""
import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pypdfium2
import pytest
import zxingcpp
from auditlog.models import LogEntry
from pypdf import PdfReader

from reporting.exports.rows import Scope
from reporting.models import ExportJob
from reporting.reports import render
from reporting.reports.content import Signatory, build_report

from .conftest import JAKARTA

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 12, 2, tzinfo=JAKARTA).date()
SIGNER = Signatory(name="Budi Santoso, S.H.", nip="197001011990031001", place="Semarang")


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def qr_codes(pdf: Path) -> list[str]:
    document = pypdfium2.PdfDocument(str(pdf))
    image = document[0].render(scale=2).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image)]


def test_unit_report_pdf_carries_the_figures_the_signature_and_page_numbers(dataset, org, tmp_path):
    path = tmp_path / "laporan.pdf"
    render.build_report_pdf(path, scope=Scope("unit", unit=org.semarang), period=dataset.period,
                            signatory=SIGNER, today=TODAY)
    text = pdf_text(path)
    assert "Lapas" in text and org.semarang.name in text
    assert "3,50" in text and "87,50" in text  # IPKP NRR and IK, Indonesian decimals
    assert "3,88" in text and "97,00" in text  # IPAK
    assert "5 / 10" in text and "Sampel belum memenuhi target." in text
    assert "Budi Santoso, S.H." in text and "NIP 197001011990031001" in text and "Semarang, 2 Desember 2026" in text
    pages = len(PdfReader(path).pages)
    assert "Halaman 1 dari" in text and f"Halaman {pages} dari {pages}" in text
    assert "(terlemah)" in text


def test_report_marks_the_weakest_indicator_with_its_converted_value(dataset, org):
    report = build_report(Scope("unit", unit=org.semarang), dataset.period, signatory=SIGNER, today=TODAY)
    spkp = next(s for s in report.summaries if s.index_code == "IPKP")
    weakest = [line for line in spkp.indicators if line.weakest]
    assert [(w.code, str(w.nrr), str(w.ik), w.category) for w in weakest] == [("SPKP3", "3.00", "75.00", "C")]
    assert (str(spkp.nrr), str(spkp.ik), spkp.category, spkp.n_counted, spkp.target) == ("3.50", "87.50", "B", 5, 10)
    assert spkp.participation == 50


def test_respondent_profile_suppresses_cells_below_k(dataset, org, settings):
    settings.DISCLOSURE_MIN_CELL = 2
    report = build_report(Scope("unit", unit=org.semarang), dataset.period, signatory=SIGNER, today=TODAY)
    sex = dict(report.profile)["Jenis kelamin"]
    shown = {cell.label: cell.count for cell in sex}
    # Semarang's counted responses: 2 men, 2 women, 1 not given (the rejected one is not counted). The single
    # cell below k would follow from the total of 5, so the smallest shown cell is hidden with it.
    assert shown == {"Laki-laki": None, "Perempuan": 2, "Tidak diisi": None}
    html = render.report_html(report, period=dataset.period)
    assert "&lt; 2" in html


@pytest.mark.parametrize(("counts", "hidden"), [
    ([10, 3, 0, 12], [1, 0]),   # one small cell alone would follow from the total: the next smallest goes too
    ([10, 3, 4, 12], [1, 2]),   # 3 + 4 >= 5: two hidden cells are enough
    ([10, 1, 1, 12], [1, 2, 0]),  # 1 + 1 < 5 would still single out both: a third cell is hidden
    ([10, 0, 12], []),          # zeros single out nobody
])
def test_profile_suppression_leaves_no_hidden_cell_derivable(counts, hidden):
    from reporting.reports.content import suppress

    cells = suppress([(str(i), n) for i, n in enumerate(counts)], k=5)
    assert sorted(i for i, cell in enumerate(cells) if cell.count is None) == sorted(hidden)


def test_kanwil_report_lists_each_units_plans_and_the_pooled_figures(dataset, org, tmp_path):
    path = tmp_path / "kanwil.pdf"
    render.build_report_pdf(path, scope=Scope("kanwil", kanwil=org.jateng), period=dataset.period,
                            signatory=Signatory(), today=TODAY)
    text = pdf_text(path)
    assert org.jateng.name in text and "3,31" in text and "82,81" in text
    assert "Per UPT" in text and "75,00 C" in text and "87,50 B" in text  # Surakarta's and Semarang's IPKP
    assert "NIP ...." in text  # blank signature block to fill by hand


def test_poster_qr_code_opens_the_units_public_results(dataset, org, tmp_path, settings):
    settings.PUBLIC_BASE_URL = "https://survei.kemenimipas.go.id"
    settings.PUBLIC_MIN_RESPONSES = 5  # the dataset's 5 respondents are published, as on the public page
    path = tmp_path / "poster.pdf"
    render.build_poster_pdf(path, scope=Scope("unit", unit=org.semarang), period=dataset.period,
                            signatory=SIGNER, today=TODAY)
    assert qr_codes(path) == [f"https://survei.kemenimipas.go.id/hasil/upt/{org.semarang.code}/"]
    text = pdf_text(path)
    assert "Pengumuman Hasil Survei" in text and "3,50" in text and "Diumumkan 2 Desember 2026" in text


def test_poster_publishes_no_figure_below_the_public_minimum(dataset, org, tmp_path, settings):
    settings.PUBLIC_MIN_RESPONSES = 10
    path = tmp_path / "poster.pdf"
    render.build_poster_pdf(path, scope=Scope("unit", unit=org.semarang), period=dataset.period,
                            signatory=SIGNER, today=TODAY)
    text = pdf_text(path)
    assert "belum cukup data" in text and "3,50" not in text


def test_evidence_pack_index_lists_every_file_and_each_opens(dataset, org, tmp_path):
    path = tmp_path / "pack.zip"
    render.build_evidence_pack(path, scope=Scope("unit", unit=org.semarang), period=dataset.period,
                               signatory=SIGNER, today=TODAY)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        index = archive.read("0_Indeks_Bukti_LKE.html").decode()
        for name in names[1:]:
            assert f'href="{name}"' in index
            content = archive.read(name)
            if name.endswith(".pdf"):
                assert len(PdfReader(io.BytesIO(content)).pages) >= 1
            else:
                assert "IPKP" in openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    assert [n.split("_")[0] for n in names] == ["0", "1", "2", "3", "4"]
    assert "Laporan tindak lanjut perbaikan pelayanan" in index
    assert "Publikasi hasil survei kepada masyarakat" in index


def test_officer_requests_a_signed_report_from_the_download_centre(dataset, org, login,
                                                                  django_capture_on_commit_callbacks):
    client = login(org.officer_semarang)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staf/ekspor/", {
            "period": dataset.period.pk, "scope": f"unit:{org.semarang.code}", "kind": "report",
            "signatory_name": "Budi Santoso", "signatory_nip": "197001011990031001", "signatory_place": "Semarang",
        })
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.status, job.filename) == ("done", f"Laporan_SPAK_SPKP_{org.semarang.code}_Triwulan_IV_2026.pdf")
    assert job.options["name"] == "Budi Santoso"
    download = client.get(f"/staf/ekspor/{job.pk}/unduh/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert LogEntry.objects.filter(object_pk=str(job.pk), additional_data__event="download").exists()
    # Someone else cannot download it.
    assert login(org.officer_surakarta).get(f"/staf/ekspor/{job.pk}/unduh/").status_code == 404


def test_report_for_another_unit_or_region_is_refused(dataset, org, login):
    response = login(org.officer_surakarta).post("/staf/ekspor/", {
        "period": dataset.period.pk, "scope": f"unit:{org.semarang.code}", "kind": "pack"})
    assert response.status_code == 400
    assert "di luar wewenang" in response.content.decode()
    response = login(org.kanwil_diy).post("/staf/ekspor/", {
        "period": dataset.period.pk, "scope": f"kanwil:{org.jateng.code}", "kind": "report"})
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_national_scope_is_refused_for_reports_with_a_message(dataset, org, login):
    response = login(org.pusat).post("/staf/ekspor/", {"period": dataset.period.pk, "scope": "nation",
                                                        "kind": "report"})
    assert response.status_code == 400
    assert "per UPT atau per Kanwil" in response.content.decode()


def test_printable_report_page_is_scoped_and_audited(dataset, org, login):
    url = f"/staf/laporan/upt/{org.semarang.code}/{dataset.period.pk}/?name=Budi"
    page = login(org.officer_semarang).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "87,50" in body and "Budi" in body and "no-store" in page["Cache-Control"]
    assert LogEntry.objects.filter(additional_data__event="download",
                                   additional_data__filename__startswith="laporan-").exists()
    assert login(org.officer_surakarta).get(url).status_code == 404
    assert login(org.kanwil_diy).get(url).status_code == 404
    kanwil_url = f"/staf/laporan/kanwil/{org.jateng.code}/{dataset.period.pk}/"
    assert login(org.kanwil_diy).get(kanwil_url).status_code == 404
    assert login(org.kanwil_jateng).get(kanwil_url).status_code == 200


def test_report_in_english_on_request(dataset, org, tmp_path):
    from django.utils import translation

    with translation.override("en"):
        report = build_report(Scope("unit", unit=org.semarang), dataset.period, signatory=SIGNER, today=TODAY)
        html = render.report_html(report, period=dataset.period)
    assert "3.50" in html and "87.50" in html and "1. Summary" in html and "Page" in html


def test_recap_prints_with_titles_page_numbers_repeated_headers_and_wrapped_names(dataset, org, tmp_path):
    from reporting.exports.recap import build_recap_workbook

    path = tmp_path / "rekap.xlsx"
    build_recap_workbook(path, scope=Scope("kanwil", kanwil=org.jateng), period=dataset.period)
    ws = openpyxl.load_workbook(path)["IPKP"]
    assert ws.oddFooter.center.text == "Halaman &P dari &N"
    assert ws.oddHeader.center.text == "IPKP — Indeks Persepsi Kualitas Pelayanan"
    assert ws.print_title_rows == "$4:$4"
    assert (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == ("landscape", 1, 0)
    assert ws["C4"].alignment.wrap_text
    total = next(row for row in ws.iter_rows() if row[2].value and str(row[2].value).startswith("Total"))
    assert total[2].alignment.wrap_text  # a label longer than its column wraps instead of being clipped


def test_the_unit_reads_no_index_built_from_fewer_than_k_respondents(dataset, org, login):
    """Rutan Surakarta has 3 counted responses: its own officer's report shows no NRR or indicator means
    (they would be those three people's answers), a Kanwil reader's does."""
    url = f"/staf/laporan/upt/{org.surakarta.code}/{dataset.period.pk}/"
    officer = login(org.officer_surakarta).get(url).content.decode()
    assert "belum cukup data" in officer and "75,00" not in officer and "3,00" not in officer
    kanwil = login(org.kanwil_jateng).get(url).content.decode()
    assert "75,00" in kanwil and "3,00" in kanwil
