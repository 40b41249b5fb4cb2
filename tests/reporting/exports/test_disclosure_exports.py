"""Exports under the disclosure policy: UPT officers get aggregates only (small cells "< 5"), Kanwil/Pusat
raw data with hour-coarsened times and free text only with an audited reason; no respondent text is ever
evaluable by a spreadsheet, in CSV or in Excel."""
import csv
import re
from datetime import datetime
from io import BytesIO, StringIO
from pathlib import Path

import openpyxl
import pytest
from auditlog.models import LogEntry

from reporting.exports import services
from reporting.exports.csv import build_raw_csv
from reporting.exports.raw import build_raw_workbook
from reporting.exports.rows import Scope
from reporting.models import ExportJob
from responses.models import Response
from surveys.audit.display import describe

pytestmark = pytest.mark.django_db

HOSTILE = ["x;=1+1", "a\n=1+1", '"=1+1"', "\t=1", "@SUM(A1)"]
# Where Excel or LibreOffice may start a formula: the cell start, after a delimiter, a quote or a line break.
EVALUABLE = re.compile(r"(?:^|[,;\"\n\r\t])[=+\-@]")


@pytest.fixture
def hostile(dataset, org):
    semarang = Response.objects.filter(unit=org.semarang).order_by("created_at")
    for response, text in zip(semarang, HOSTILE, strict=False):
        Response.objects.filter(pk=response.pk).update(suggestion=text)
    return HOSTILE


def unquoted_fields(raw: str, delimiter: str) -> list[str]:
    return [field for row in csv.reader(raw.splitlines(keepends=True), delimiter=delimiter) for field in row]


def test_csv_neutralises_formulas_anywhere_in_a_cell_and_quotes_every_text_field(dataset, org, hostile, tmp_path):
    path = tmp_path / "data.csv"
    build_raw_csv(path, scope=Scope("kanwil", kanwil=org.jateng), period=dataset.period, include_text=True,
                  text_reason="uji")
    raw = path.read_text(encoding="utf-8-sig")
    # Read with a comma (English Excel) and with a semicolon (Indonesian Excel): no field is evaluable.
    for delimiter in (",", ";"):
        fields = unquoted_fields(raw, delimiter)
        assert not [f for f in fields if EVALUABLE.search(f)], delimiter
    fields = unquoted_fields(raw, ",")
    assert "x;'=1+1" in fields and "a\n'=1+1" in fields and "\"'=1+1\"" in fields
    assert "'\t'=1" in fields and "'@SUM(A1)" in fields
    # Every text field quoted: in the written file, a Semarang row's text cells sit between quotes.
    assert '"Lapas Kelas I Semarang"' in raw and '"Laki-laki"' in raw and '"x;\'=1+1"' in raw


def test_excel_raw_sheet_never_holds_an_evaluable_cell(dataset, org, hostile, tmp_path):
    path = tmp_path / "data.xlsx"
    build_raw_workbook(path, scope=Scope("kanwil", kanwil=org.jateng), period=dataset.period, include_text=True,
                       text_reason="uji")
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    by_value = {c.value: c for c in cells}
    for text in HOSTILE:
        assert by_value[text].data_type == "s"
    for text in ("\t=1", "@SUM(A1)"):
        assert by_value[text].quotePrefix


def test_officer_cannot_ask_for_response_level_data(dataset, org, login):
    client = login(org.officer_semarang)
    page = client.get("/staf/ekspor/").content.decode()
    assert 'value="raw_csv"' not in page and 'name="include_raw"' not in page and "agregat saja" in page
    response = client.post("/staf/ekspor/", {"period": dataset.period.pk, "scope": "unit:lapas-semarang",
                                             "kind": "raw_csv"})
    assert response.status_code == 400 and not ExportJob.objects.exists()
    with pytest.raises(services.ExportError):
        services.request_export(user=org.officer_semarang, period=dataset.period, kind="recap", level="unit",
                                unit=org.semarang, include_raw=True)
    # A job written before the rule (or by hand) is still refused at build time.
    job = ExportJob.objects.create(requested_by=org.officer_semarang, period=dataset.period, kind="raw_csv",
                                   level="unit", unit=org.semarang)
    from reporting.exports.build import run_export
    assert run_export(job_id=job.pk).status == ExportJob.Status.FAILED


def test_officer_recap_is_aggregates_with_small_cells_suppressed(dataset, org, login,
                                                                 django_capture_on_commit_callbacks):
    client = login(org.officer_semarang)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staf/ekspor/", {"period": dataset.period.pk, "scope": "unit:lapas-semarang",
                                                 "kind": "recap", "include_raw": "on", "include_text": "on"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert not job.include_raw and not job.include_text
    wb = openpyxl.load_workbook(BytesIO(b"".join(client.get(f"/staf/ekspor/{job.pk}/unduh/").streaming_content)))
    assert "Data mentah" not in wb.sheetnames
    values = [c.value for ws in wb.worksheets[1:] for row in ws.iter_rows() for c in row if c.value is not None]
    # No response row, no suggestion, no time of day anywhere past the cover.
    assert not [v for v in values if isinstance(v, datetime) and (v.hour, v.minute) != (0, 0)]
    assert not [v for v in values if isinstance(v, str) and ("HYPERLINK" in v or "Ruang tunggu" in v)]
    demo = {(row[0].value, row[1].value): row[2].value for row in wb["Demografi"].iter_rows(min_row=5)}
    # Semarang's 5 counted: 2 men, 2 women, 1 blank; ages 2 in 20–29: every band below 5 is "< 5".
    assert demo[("Jenis kelamin", "Laki-laki")] == "< 5" and demo[("Jenis kelamin", "Perempuan")] == "< 5"
    assert demo[("Jenis kelamin", "Tidak diisi")] == "< 5" and demo[("Usia", "< 20 tahun")] == 0
    assert demo[("Kanal pengisian", "Ponsel sendiri (QR)")] == 5
    service = [[c.value for c in row] for row in wb["Per layanan"].iter_rows(min_row=5) if row[0].value]
    assert service and all(row[4] == "< 5" and row[6] is None and row[8] is None for row in service)
    cover = " ".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)
    assert "Aturan keterbukaan data" in cover and '"< 5"' in cover


def test_kanwil_raw_export_has_hour_times_and_no_text_unless_asked_with_an_audited_reason(
        dataset, org, login, django_capture_on_commit_callbacks):
    client = login(org.kanwil_jateng)
    data = {"period": dataset.period.pk, "scope": "kanwil:jateng-pas", "kind": "raw_csv"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/staf/ekspor/", data).status_code == 302
    job = ExportJob.objects.get()
    body = b"".join(client.get(f"/staf/ekspor/{job.pk}/unduh/").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(body.splitlines()))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Waktu")
    assert "Teks bebas responden (saran, jawaban teks) tidak disertakan." in body
    times = [row[0] for row in rows[header_at + 1:]]
    assert len(times) == 9 and all(t.endswith(":00:00") for t in times)  # 09:01 … 09:04 → 09:00
    assert "Saran" not in rows[header_at] and "HYPERLINK" not in body and "Ruang tunggu" not in body

    refused = client.post("/staf/ekspor/", {**data, "include_text": "on"})
    assert refused.status_code == 400 and "Tuliskan alasan" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/staf/ekspor/", {**data, "include_text": "on",
                                             "text_reason": "Telaah keluhan layanan"}).status_code == 302
    job = ExportJob.objects.latest("pk")
    assert job.include_text
    entry = LogEntry.objects.get(additional_data__event="free_text_export")
    assert entry.actor == org.kanwil_jateng and entry.additional_data["reason"] == "Telaah keluhan layanan"
    shown = describe(entry)
    assert shown["action"] == "Ekspor teks bebas responden"
    assert any(label == "Alasan" and new == "Telaah keluhan layanan" for label, _old, new in shown["changes"])
    body = b"".join(client.get(f"/staf/ekspor/{job.pk}/unduh/").streaming_content).decode("utf-8-sig")
    assert "Ruang tunggu nyaman" in body and "Alasan: Telaah keluhan layanan" in body


def test_pusat_raw_workbook_has_a_cover_with_the_rules_and_hour_times(dataset, org, tmp_path):
    path = tmp_path / "data.xlsx"
    build_raw_workbook(path, scope=Scope("nation"), period=dataset.period)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Sampul", "Data mentah"]
    cover = " ".join(str(c.value) for row in wb["Sampul"].iter_rows() for c in row if c.value)
    assert "waktu dibulatkan ke jam" in cover and "tidak disertakan" in cover
    times = [row[0] for row in wb["Data mentah"].iter_rows(min_row=2, values_only=True)]
    assert times and all(t.minute == 0 and t.second == 0 for t in times)


def test_shell_raw_export_includes_free_text_only_with_an_audited_reason(dataset, org, tmp_path):
    from django.core.management import call_command

    out = StringIO()
    call_command("build_recap", "--kanwil", "jateng-pas", "--kind", "raw_csv", "--output", str(tmp_path), stdout=out)
    assert "Ruang tunggu" not in Path(out.getvalue().strip()).read_text(encoding="utf-8-sig")
    out = StringIO()
    call_command("build_recap", "--kanwil", "jateng-pas", "--kind", "raw_csv", "--output", str(tmp_path),
                 "--include-text", "Audit internal", stdout=out)
    assert "Ruang tunggu nyaman" in Path(out.getvalue().strip()).read_text(encoding="utf-8-sig")
    entry = LogEntry.objects.get(additional_data__event="free_text_export")
    assert entry.actor.username == "sistem" and entry.additional_data["reason"] == "Audit internal"
