"""Organisation import from the Excel/CSV template: create, re-import in place, deactivate, row+column errors."""
import csv
import io
import uuid

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from responses.models import Response
from surveys.models import Kanwil, Unit
from surveys.org_import import COLUMNS

from ..factories import make_access_point, make_period

pytestmark = pytest.mark.django_db


def national_rows():
    rows = []
    for k in range(3):
        for u in range(7 if k < 2 else 6):
            rows.append({
                "kode_kanwil": f"kanwil-{k}", "nama_kanwil": f"Kanwil {k}", "jenis_kanwil": "pas",
                "provinsi": f"Provinsi {k}", "kode_upt": f"upt-{k}-{u}", "nama_upt": f"Lapas {k}-{u}",
                "jenis_upt": "lapas", "kelas": "IIA", "alamat": f"Jl. {u}", "jam_buka": "08:00",
                "jam_tutup": "15:00", "layanan": "Kunjungan keluarga; Penitipan barang",
            })
    return rows


def as_csv(rows) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("organisasi.csv", out.getvalue().encode(), content_type="text/csv")


def as_xlsx(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("organisasi.xlsx", buffer.getvalue())


def test_template_with_3_kanwil_and_20_upts_imports_and_reimports_in_place(client, org, login):
    login(org.pusat)
    rows = national_rows()
    assert len(rows) == 20
    page = client.post("/staf/organisasi/impor/", {"file": as_xlsx(rows)}, follow=True).content.decode()
    assert "3 Kanwil baru, 20 UPT baru" in page
    assert Kanwil.objects.filter(code__startswith="kanwil-").count() == 3
    unit = Unit.objects.get(code="upt-1-3")
    assert unit.kanwil.code == "kanwil-1" and unit.opens_at.hour == 8
    assert sorted(unit.services.values_list("name", flat=True)) == ["Kunjungan keluarga", "Penitipan barang"]

    period = make_period()
    removed = Unit.objects.get(code="upt-2-5")
    point = make_access_point(removed)
    Response.objects.create(idempotency_key=uuid.uuid4(), period=period, unit=removed, access_point=point,
                            service=removed.services.first(), channel=point.channel, created_at=timezone.now())
    rows = [r for r in rows if r["kode_upt"] != "upt-2-5"]
    rows[3] = {**rows[3], "nama_upt": "Lapas Baru", "jam_tutup": "14:00", "layanan": "Kunjungan keluarga"}
    page = client.post("/staf/organisasi/impor/", {"file": as_csv(rows)}, follow=True).content.decode()
    assert "0 UPT baru, 1 UPT diperbarui" in page
    updated = Unit.objects.get(code=rows[3]["kode_upt"])
    assert updated.name == "Lapas Baru" and updated.closes_at.hour == 14
    assert list(updated.services.filter(active=True).values_list("name", flat=True)) == ["Kunjungan keluarga"]
    removed.refresh_from_db()
    assert removed.active is False and removed.responses.count() == 1
    assert Unit.objects.filter(code__startswith="upt-").count() == 20


def test_a_bad_row_names_its_row_and_column_and_changes_nothing(client, org, login):
    login(org.pusat)
    rows = national_rows()
    rows[4] = {**rows[4], "jenis_upt": "penjara"}
    rows[6] = {**rows[6], "jam_buka": "pagi"}
    page = client.post("/staf/organisasi/impor/", {"file": as_csv(rows)}).content.decode()
    assert "Baris 6, kolom jenis_upt" in page and "Baris 8, kolom jam_buka" in page
    assert not Unit.objects.filter(code__startswith="upt-").exists()


def test_template_download_and_scope(client, org, login):
    login(org.pusat)
    response = client.get("/staf/organisasi/templat.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == COLUMNS
    assert "no-store" in response["Cache-Control"]
    for user in (org.kanwil_jateng, org.officer_semarang):
        login(user)
        assert client.get("/staf/organisasi/templat.xlsx").status_code == 403
        assert client.post("/staf/organisasi/impor/", {"file": as_csv(national_rows())}).status_code == 403
    assert not Unit.objects.filter(code__startswith="upt-").exists()


def test_kanwil_staff_edit_their_units_service_hours_but_not_another_regions(client, org, login):
    login(org.kanwil_jateng)
    assert "Simpan jam layanan" in client.get("/staf/upt/lapas-semarang/layanan/").content.decode()
    client.post("/staf/upt/lapas-semarang/jam-layanan/", {"opens_at": "07:30", "closes_at": "14:00"})
    org.semarang.refresh_from_db()
    assert (org.semarang.opens_at.strftime("%H:%M"), org.semarang.closes_at.strftime("%H:%M")) == ("07:30", "14:00")
    assert client.post("/staf/upt/lapas-yogyakarta/jam-layanan/",
                       {"opens_at": "07:00", "closes_at": "12:00"}).status_code == 404
    client.post("/staf/upt/lapas-semarang/jam-layanan/", {"opens_at": "15:00", "closes_at": "08:00"})
    org.semarang.refresh_from_db()
    assert org.semarang.opens_at.hour == 7
    login(org.officer_semarang)
    assert client.post("/staf/upt/lapas-semarang/jam-layanan/",
                       {"opens_at": "06:00", "closes_at": "12:00"}).status_code == 403
    assert "Simpan jam layanan" not in client.get("/staf/upt/lapas-semarang/layanan/").content.decode()
