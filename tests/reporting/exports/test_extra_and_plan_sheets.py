"""The recap's extra-items and action-plan sheets, and the extra items' columns of the raw export.

Lapas Semarang's own item "Dari mana Anda tahu?": its five counted responses answered papan, papan, medsos,
(nothing), teman; the rejected one's "papan" does not count → papan 2 (50 %), medsos 1 (25 %), teman 1 (25 %).
Kanwil Jateng's item "Pernah ke sini?": Semarang ya 1 (100 %); Surakarta ya, tidak, ya → 2 (66.67 %) and 1;
both UPTs together ya 3 (75 %), tidak 1 (25 %). Semarang's short-text item has two answers.
"""
from datetime import date
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.utils import translation

from reporting.exports.csv import build_raw_csv
from reporting.exports.rows import Scope
from reporting.followups import services
from responses.models import Response
from surveys.models import ExtraItem

from .test_recap_workbook import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(dataset, org):
    period = dataset.period
    heard = ExtraItem.objects.create(period=period, unit=org.semarang, kind="choice", prompt="Dari mana Anda tahu?",
                                     prompt_en="How did you hear of it?", position=1, choices=[
                                         {"value": "papan", "label": "Papan informasi", "label_en": "Notice board"},
                                         {"value": "medsos", "label": "Media sosial"},
                                         {"value": "teman", "label": "Teman"}])
    fix = ExtraItem.objects.create(period=period, unit=org.semarang, kind="text", prompt="Apa yang perlu diperbaiki?",
                                   position=2)
    regional = ExtraItem.objects.create(period=period, kanwil=org.jateng, kind="choice", prompt="Pernah ke sini?",
                                        choices=[{"value": "ya", "label": "Ya"}, {"value": "tidak", "label": "Tidak"}])
    h, f, r = str(heard.pk), str(fix.pk), str(regional.pk)
    semarang = [{h: "papan", r: "ya"}, {h: "papan", f: "=1+1 rusak"}, {h: "medsos", f: "Toilet kotor"}, {},
                {h: "teman"}]
    for response, extra in zip(dataset.responses, semarang, strict=True):
        Response.objects.filter(pk=response.pk).update(extra_answers=extra)
    Response.objects.filter(unit=org.semarang, status="rejected").update(extra_answers={h: "papan"})
    surakarta = Response.objects.filter(unit=org.surakarta).order_by("created_at")
    for response, value in zip(surakarta, ["ya", "tidak", "ya"], strict=True):
        Response.objects.filter(pk=response.pk).update(extra_answers={r: value})
    return heard, fix, regional


def csv_header(text: str) -> str:
    """The header line of a raw CSV (after the disclosure statement and its empty line)."""
    return next(line for line in text.splitlines() if line.startswith('"Waktu"'))


def sheet_rows(ws, header_row=4):
    header = [c.value for c in ws[header_row]]
    return header, [dict(zip(header, row, strict=False)) for row in ws.iter_rows(min_row=header_row + 1,
                                                                                 values_only=True) if row[1]]


def test_extra_items_sheet_counts_each_option_per_upt_and_in_total(dataset, org, items, tmp_path):
    wb = openpyxl.load_workbook(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period))
    header, rows = sheet_rows(wb["Butir tambahan"])
    assert header == ["Pemilik butir", "Butir tambahan", "Jenis", "UPT", "Pilihan", "Jumlah", "Persentase"]
    found = [(r["Butir tambahan"], r["UPT"], r["Pilihan"], r["Jumlah"], r["Persentase"]) for r in rows]
    assert found == [
        ("Pernah ke sini?", "Lapas Kelas I Semarang", "Ya", 1, 1),
        ("Pernah ke sini?", "Lapas Kelas I Semarang", "Tidak", 0, 0),
        ("Pernah ke sini?", "Rutan Kelas I Surakarta", "Ya", 2, pytest.approx(2 / 3)),
        ("Pernah ke sini?", "Rutan Kelas I Surakarta", "Tidak", 1, pytest.approx(1 / 3)),
        ("Pernah ke sini?", "Semua UPT (gabungan)", "Ya", 3, 0.75),
        ("Pernah ke sini?", "Semua UPT (gabungan)", "Tidak", 1, 0.25),
        ("Dari mana Anda tahu?", "Lapas Kelas I Semarang", "Papan informasi", 2, 0.5),
        ("Dari mana Anda tahu?", "Lapas Kelas I Semarang", "Media sosial", 1, 0.25),
        ("Dari mana Anda tahu?", "Lapas Kelas I Semarang", "Teman", 1, 0.25),
        ("Apa yang perlu diperbaiki?", "Lapas Kelas I Semarang", "Jawaban teks: lihat data mentah", 2, None),
    ]
    assert rows[0]["Pemilik butir"] == "Kanwil Ditjenpas Jawa Tengah" and rows[-1]["Jenis"] == "Teks singkat (opsional)"
    assert wb["Butir tambahan"]["G5"].number_format == "0.00%"


def test_a_upt_recap_has_its_own_and_its_kanwils_items_only(dataset, org, items, tmp_path):
    wb = openpyxl.load_workbook(build(tmp_path, Scope("unit", unit=org.surakarta), dataset.period))
    _header, rows = sheet_rows(wb["Butir tambahan"])
    assert {(r["Butir tambahan"], r["UPT"]) for r in rows} == {("Pernah ke sini?", "Rutan Kelas I Surakarta")}


def test_action_plan_sheet_lists_each_plan(dataset, org, items, tmp_path):
    services.create_action_plan(
        unit=org.semarang, period=dataset.period, version=dataset.spkp, indicator_code="SPKP3",
        problem="Alur membingungkan", cause="Papan alur tidak ada", action="Pasang papan alur",
        person_in_charge="Kasubsi Registrasi", deadline=date(2026, 11, 30), is_public=True,
        acting_user=org.officer_semarang,
    )
    with translation.override("id"):
        wb = openpyxl.load_workbook(build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period))
    header, rows = sheet_rows(wb["Rencana tindak lanjut"])
    assert header == ["No", "Kanwil", "UPT", "Indikator", "NRR saat direncanakan", "Masalah", "Penyebab",
                      "Rencana tindak lanjut", "Penanggung jawab", "Tenggat", "Status", "Selesai pada", "Bukti",
                      "Publik"]
    (row,) = rows
    assert (row["UPT"], row["Indikator"], row["Masalah"], row["Rencana tindak lanjut"], row["Penanggung jawab"]) == (
        "Lapas Kelas I Semarang", "SPKP · SPKP3", "Alur membingungkan", "Pasang papan alur", "Kasubsi Registrasi")
    assert row["Tenggat"].date() == date(2026, 11, 30) and row["Publik"] == "Ya"
    # The recap is built on 21 November: before the deadline, so the plan is still "planned".
    assert row["Status"] == "Direncanakan"
    assert Decimal(str(row["NRR saat direncanakan"])) == Decimal("3.00")


def test_raw_export_has_a_column_per_extra_item_with_labels_and_text(dataset, org, items, tmp_path):
    path = build(tmp_path, Scope("kanwil", kanwil=org.jateng), dataset.period, include_raw=True, include_text=True)
    df = pd.read_excel(path, sheet_name="Data mentah", dtype=str, keep_default_na=False)
    regional = "Pernah ke sini? (Kanwil Ditjenpas Jawa Tengah)"
    heard, fix = "Dari mana Anda tahu? (Lapas Kelas I Semarang)", "Apa yang perlu diperbaiki? (Lapas Kelas I Semarang)"
    assert list(df.columns[-3:]) == [regional, heard, fix]
    semarang = df[df["Kode UPT"] == "lapas-semarang"]
    assert list(semarang[heard]) == ["Papan informasi", "Papan informasi", "Media sosial", "", "Teman",
                                     "Papan informasi"]
    assert list(semarang[fix])[:3] == ["", "=1+1 rusak", "Toilet kotor"]
    assert list(df[df["Kode UPT"] == "rutan-surakarta"][regional]) == ["Ya", "Tidak", "Ya"]
    ws = openpyxl.load_workbook(path)["Data mentah"]
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]  # "=1+1 rusak" stays text


def test_raw_csv_carries_the_text_answers_safely(dataset, org, items, tmp_path):
    path = tmp_path / "data.csv"
    build_raw_csv(path, scope=Scope("unit", unit=org.semarang), period=dataset.period, include_text=True,
                  text_reason="uji")
    text = path.read_text(encoding="utf-8-sig")
    header = csv_header(text)
    assert "Apa yang perlu diperbaiki? (Lapas Kelas I Semarang)" in header
    assert "'=1+1 rusak" in text and "Toilet kotor" in text and "Pernah ke sini?" in header


def test_national_raw_export_keeps_kanwil_items_only(dataset, org, items, tmp_path):
    path = tmp_path / "data.csv"
    build_raw_csv(path, scope=Scope("nation"), period=dataset.period)
    header = csv_header(path.read_text(encoding="utf-8-sig"))
    assert "Pernah ke sini? (Kanwil Ditjenpas Jawa Tengah)" in header and "Dari mana Anda tahu?" not in header
