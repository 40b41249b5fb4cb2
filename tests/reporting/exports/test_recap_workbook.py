"""The recap workbook: sheets, headers, snapshot figures, formats, and formula-injection safety."""
from datetime import datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.utils import translation

from reporting.exports.recap import build_recap_workbook
from reporting.exports.rows import Scope
from reporting.models import Snapshot

from .conftest import INJECTION, JAKARTA

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 21, 14, 0, tzinfo=JAKARTA)


def build(tmp_path, scope, period, **kwargs):
    path = tmp_path / "rekap.xlsx"
    build_recap_workbook(path, scope=scope, period=period, now=NOW, **kwargs)
    return path


def rows_by_code(ws, header_row=4):
    header = [c.value for c in ws[header_row]]
    out = {}
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row and row[1]:
            out[row[1]] = dict(zip(header, row, strict=False))
    return header, out


def find_row(ws, label):
    for row in ws.iter_rows():
        if any(c.value == label for c in row):
            return row
    raise AssertionError(f"{label!r} not in sheet {ws.title}")


def test_kanwil_recap_has_the_official_sheets(dataset, org, tmp_path):
    wb = openpyxl.load_workbook(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period))
    assert wb.sheetnames == ["Sampul", "IPAK", "IPKP", "Per layanan", "Demografi", "Butir tambahan",
                             "Rencana tindak lanjut"]


def test_ipkp_sheet_shows_the_worked_example_from_the_snapshot(dataset, org, tmp_path):
    wb = openpyxl.load_workbook(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period))
    ws = wb["IPKP"]
    assert ws["A1"].value == "IPKP — Indeks Persepsi Kualitas Pelayanan"
    header, rows = rows_by_code(ws)
    assert header[:7] == ["No", "Kode UPT", "UPT", "Jenis", "Target sampel", "Respons dihitung", "Partisipasi"]
    assert header[7:15] == [f"NRR SPKP{i}" for i in range(1, 9)]
    assert header[15:18] == ["NRR (IPKP)", "IK", "Kategori"]
    semarang = rows["lapas-semarang"]
    assert [semarang[f"NRR SPKP{i}"] for i in range(1, 9)] == [3.4, 3.6, 3.0, 3.6, 4.0, 3.4, 3.4, 3.6]
    assert (semarang["NRR (IPKP)"], semarang["IK"], semarang["Kategori"]) == (3.5, 87.5, "B")
    assert (semarang["Target sampel"], semarang["Respons dihitung"], semarang["Partisipasi"]) == (10, 5, 0.5)
    assert semarang["Keterangan"] == "Sampel belum memenuhi"
    surakarta = rows["rutan-surakarta"]
    assert (surakarta["NRR (IPKP)"], surakarta["IK"], surakarta["Kategori"], surakarta["Partisipasi"]) == (
        3.0, 75.0, "C", 1.0)
    assert surakarta["Keterangan"] is None
    assert "lapas-yogyakarta" not in rows  # another Kanwil's UPT

    total = [c.value for c in find_row(ws, "Total Kanwil Ditjenpas Jawa Tengah (gabungan responden)")]
    assert total[4:7] == [13, 8, pytest.approx(8 / 13)]
    assert total[7:18] == [3.25, 3.38, 3.0, 3.38, 3.63, 3.25, 3.25, 3.38, 3.31, 82.81, "B"]
    mean = [c.value for c in find_row(ws, "Rata-rata UPT (tidak berbobot)")]
    assert mean[15:17] == [3.25, 81.25]


def test_ipak_sheet_reads_spak_snapshots(dataset, org, tmp_path):
    ws = openpyxl.load_workbook(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period))["IPAK"]
    header, rows = rows_by_code(ws)
    assert header[7:12] == [f"NRR SPAK{i}" for i in range(1, 6)]
    assert [rows["lapas-semarang"][k] for k in ("NRR (IPAK)", "IK", "Kategori")] == [3.88, 97.0, "A"]
    assert [rows["rutan-surakarta"][k] for k in ("NRR (IPAK)", "IK", "Kategori")] == [2.0, 50.0, "D"]
    total = [c.value for c in find_row(ws, "Total Kanwil Ditjenpas Jawa Tengah (gabungan responden)")]
    assert total[12:15] == [3.18, 79.38, "B"]


def test_key_cells_carry_real_formatting(dataset, org, tmp_path):
    wb = openpyxl.load_workbook(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period))
    ws = wb["IPKP"]
    header, _rows = rows_by_code(ws)
    semarang = find_row(ws, "lapas-semarang")
    col = {name: i for i, name in enumerate(header)}
    assert semarang[col["NRR (IPKP)"]].number_format == "0.00"
    assert semarang[col["IK"]].number_format == "0.00"
    assert semarang[col["Partisipasi"]].number_format == "0.00%"
    assert semarang[col["Kategori"]].fill.fgColor.rgb == "00DDEBF7"  # B
    assert find_row(ws, "rutan-surakarta")[col["Kategori"]].fill.fgColor.rgb == "00FFEB9C"  # C
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:AC6"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["C"].width == 34
    assert ws["A4"].font.bold


def test_cover_states_scope_period_versions_and_legend(dataset, org, tmp_path):
    ws = openpyxl.load_workbook(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period))["Sampul"]
    pairs = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert ws["A1"].value == "Rekapitulasi SPAK dan SPKP"
    assert pairs["Cakupan"] == "Kanwil Ditjenpas Jawa Tengah"
    assert pairs["Periode"].startswith("Triwulan IV 2026")
    assert "SPAK v1" in pairs["Versi instrumen"] and "SPKP v1" in pairs["Versi instrumen"]
    assert pairs["Indeks dihitung pada"].startswith("20 November 2026, 09:30")
    # Band limits are text on the cover: written in the reader's number format.
    assert pairs["A"] == "88,31–100,00" and pairs["D"] == "25,00–64,99"
    text = " ".join(str(row[0]) for row in ws.iter_rows(values_only=True) if row and row[0])
    assert "IK (indeks konversi) = NRR × 25" in text and "bukan Indeks Perilaku Anti Korupsi BPS" in text


def test_pandas_reads_the_ipkp_table(dataset, org, tmp_path):
    df = pd.read_excel(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period), sheet_name="IPKP",
                       header=3)
    semarang = df[df["Kode UPT"] == "lapas-semarang"].iloc[0]
    assert semarang["NRR SPKP3"] == 3.0 and semarang["IK"] == 87.5


def test_service_and_demographics_sheets(dataset, org, tmp_path):
    wb = openpyxl.load_workbook(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period))
    service = [r for r in wb["Per layanan"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert service == [("Lapas Kelas I Semarang", "Penitipan barang", "IPKP", 6, 3, 0.5, 3.5, 87.5, "B", 0)]
    demo = {(r[0], r[1]): (r[2], r[3]) for r in wb["Demografi"].iter_rows(min_row=5, values_only=True) if r[0]}
    # 8 counted responses in Jateng (the rejected one and Yogyakarta's are not counted here).
    assert demo[("Jenis kelamin", "Laki-laki")] == (2, 0.25)
    assert demo[("Jenis kelamin", "Perempuan")] == (3, 0.375)
    assert demo[("Jenis kelamin", "Tidak diisi")] == (3, 0.375)
    assert demo[("Usia", "20–29 tahun")] == (2, 0.25)
    assert demo[("Kanal pengisian", "Ponsel sendiri (QR)")] == (8, 1)


def test_unit_recap_has_only_that_unit_and_no_pooled_rows(dataset, org, tmp_path):
    ws = openpyxl.load_workbook(build(tmp_path, Scope("unit", unit=org.surakarta), dataset.period))["IPKP"]
    _header, rows = rows_by_code(ws)
    assert list(rows) == ["rutan-surakarta"]
    assert not any("gabungan" in str(c.value) for row in ws.iter_rows() for c in row)


def test_unit_without_snapshot_is_listed_without_figures(dataset, org, tmp_path):
    from tests.factories import make_unit

    make_unit(org.jateng, "bapas-pati", name="Bapas Pati", kind="bapas")
    ws = openpyxl.load_workbook(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period))["IPKP"]
    _header, rows = rows_by_code(ws)
    assert rows["bapas-pati"]["Respons dihitung"] == 0
    assert rows["bapas-pati"]["IK"] is None
    assert rows["bapas-pati"]["Keterangan"] == "Belum ada indeks"


def test_raw_sheet_never_carries_a_formula_typed_by_a_respondent(dataset, org, tmp_path):
    path = build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period, include_raw=True, include_text=True)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-1] == "Data mentah"
    ws = wb["Data mentah"]
    header = [c.value for c in ws[1]]
    suggestion = header.index("Saran")
    cells = {row[suggestion].value: row[suggestion] for row in ws.iter_rows(min_row=2)}
    for text in (INJECTION, "@SUM(1+1)", "-1+2"):
        assert cells[text].data_type == "s"
        assert cells[text].quotePrefix
    assert not [c for sheet in wb for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_raw_sheet_rows_are_anonymous_and_complete(dataset, org, tmp_path):
    path = build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period, include_raw=True)
    df = pd.read_excel(path, sheet_name="Data mentah")
    assert list(df.columns[:5]) == ["Waktu", "Kode UPT", "UPT", "Layanan", "Kanal"]
    assert [f"SPAK{i}" for i in range(1, 6)] + [f"SPKP{i}" for i in range(1, 9)] == list(df.columns[5:18])
    assert len(df) == 9  # 6 Semarang (one rejected) + 3 Surakarta; not Yogyakarta
    first = df.iloc[0]
    assert first["Waktu"] == pd.Timestamp("2026-10-05 09:00")  # local time, as the respondent saw it
    assert [first[f"SPKP{i}"] for i in range(1, 9)] == [4, 4, 3, 4, 4, 3, 4, 4]
    assert first["Jenis kelamin"] == "Laki-laki" and first["Status"] == "Diterima"
    flagged = df.iloc[4]
    assert flagged["Bertanda"] == "Ya" and flagged["Tanda validitas"] == "Terlalu cepat"
    assert df.iloc[5]["Status"] == "Ditolak peninjau"
    assert not any("d" * 64 in str(v) for v in df.to_numpy().ravel())  # no device hash


def test_english_recap_uses_english_sheet_names_and_headers(dataset, org, tmp_path):
    with translation.override("en"):
        path = build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Cover", "IPAK", "IPKP", "By service", "Demographics", "Extra items", "Action plan"]
    header = [c.value for c in wb["IPKP"][4]]
    assert header[:6] == ["No", "UPT code", "UPT", "Kind", "Target sample", "Counted responses"]
    assert Decimal(str(wb["IPKP"]["Q5"].value)) == Decimal("87.5")


def test_ipkp_sheet_shows_the_margin_and_the_categories_the_interval_touches(dataset, org, tmp_path):
    # The worked example's stored interval (tests/reporting/test_snapshots.py): 87,50 ± 11,81, B and A or C.
    Snapshot.objects.filter(level="unit", unit=org.semarang, version__instrument__code="SPKP").update(
        ik_margin_95=Decimal("11.81"), ik_low_95=Decimal("75.69"), ik_high_95=Decimal("99.31"),
        ik_categories_95="B,A,C")
    ws = openpyxl.load_workbook(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period))["IPKP"]
    header, rows = rows_by_code(ws)
    assert header[17:20] == ["Kategori", "± IK (95 %)", "Kategori dalam rentang 95 %"]
    semarang = rows["lapas-semarang"]
    assert (semarang["IK"], semarang["± IK (95 %)"], semarang["Kategori dalam rentang 95 %"]) == (
        87.5, 11.81, "B, mungkin A / C")
    # No interval stored: the category alone.
    assert rows["rutan-surakarta"]["Kategori dalam rentang 95 %"] == "C"
