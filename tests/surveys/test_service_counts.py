"""Officers enter people served per service and day: the form, the Excel/CSV upload and its template."""
import io
from datetime import date, timedelta

import pandas as pd
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from surveys.models import ServiceCount


def url(name, unit, **kwargs):
    return reverse(name, kwargs={"code": unit.code, **kwargs})


def services(unit):
    return list(unit.services.order_by("name"))  # Kunjungan keluarga, Penitipan barang


def stored(unit):
    return sorted((c.day, c.service.name, c.served) for c in ServiceCount.objects.filter(service__unit=unit))


def test_officer_enters_one_day_audited(org, login):
    client = login(org.officer_semarang)
    kunjungan, _ = services(org.semarang)
    response = client.post(url("service_counts", org.semarang),
                           {"first_day": "2026-11-02", "service": kunjungan.pk, "served": 40})
    assert response.status_code == 302
    assert stored(org.semarang) == [(date(2026, 11, 2), "Kunjungan keluarga", 40)]
    count = ServiceCount.objects.get()
    assert LogEntry.objects.get_for_object(count).filter(actor=org.officer_semarang).exists()
    client.post(url("service_counts", org.semarang), {"first_day": "2026-11-02", "service": kunjungan.pk,
                                                      "served": 38})
    assert stored(org.semarang) == [(date(2026, 11, 2), "Kunjungan keluarga", 38)]
    assert LogEntry.objects.get_for_object(count).filter(action=LogEntry.Action.UPDATE).exists()
    page = client.get(url("service_counts", org.semarang)).content.decode()
    assert "Kunjungan keluarga" in page and ">38<" in page


def test_a_range_stores_the_count_on_each_day(org, login):
    _, penitipan = services(org.semarang)
    login(org.officer_semarang).post(url("service_counts", org.semarang), {
        "first_day": "2026-11-02", "last_day": "2026-11-04", "service": penitipan.pk, "served": 12})
    assert stored(org.semarang) == [(date(2026, 11, d), "Penitipan barang", 12) for d in (2, 3, 4)]


def test_form_refuses_future_days_reversed_ranges_and_other_units_services(org, login):
    client = login(org.officer_semarang)
    tomorrow = timezone.localdate() + timedelta(days=1)
    kunjungan, _ = services(org.semarang)
    for data in ({"first_day": tomorrow.isoformat(), "service": kunjungan.pk, "served": 5},
                 {"first_day": "2026-11-04", "last_day": "2026-11-02", "service": kunjungan.pk, "served": 5},
                 {"first_day": "2026-11-02", "service": services(org.surakarta)[0].pk, "served": 5},
                 {"first_day": "2026-11-02", "service": kunjungan.pk, "served": -1}):
        assert client.post(url("service_counts", org.semarang), data).status_code == 400
    assert ServiceCount.objects.count() == 0


def upload(client, unit, content: bytes, name: str):
    return client.post(url("service_counts_upload", unit), {"file": SimpleUploadedFile(name, content)})


def test_upload_errors_name_row_and_column_and_store_nothing(org, login):
    csv = (b"tanggal,layanan,jumlah\n"
           b"2026-11-02,Kunjungan keluarga,40\n"
           b"2026-13-40,Kunjungan keluarga,3\n"
           b"2026-11-03,Pijat refleksi,3\n"
           b"03/11/2026,Penitipan barang,tiga\n"
           b",Penitipan barang,\n")
    response = upload(login(org.officer_semarang), org.semarang, csv, "jumlah.csv")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Baris 3, kolom tanggal" in html
    assert "Baris 4, kolom layanan" in html
    assert "Baris 5, kolom jumlah" in html
    assert "Baris 2" not in html and "Baris 6" not in html  # a good row; a template blank
    assert ServiceCount.objects.count() == 0


def test_upload_refuses_a_sheet_without_the_columns(org, login):
    response = upload(login(org.officer_semarang), org.semarang, b"hari,angka\n2026-11-02,4\n", "x.csv")
    assert response.status_code == 400 and "Kolom tidak ada: tanggal, layanan, jumlah" in response.content.decode()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_template_round_trips(org, login, kind):
    """Counts entered, the template downloaded (it holds them and a blank row per service), the counts
    deleted, the template uploaded unchanged: the same counts are back."""
    client = login(org.officer_semarang)
    kunjungan, penitipan = services(org.semarang)
    ServiceCount.objects.create(service=kunjungan, day=date(2026, 11, 2), served=40)
    ServiceCount.objects.create(service=penitipan, day=date(2026, 11, 3), served=7)
    before = stored(org.semarang)
    download = client.get(url("service_counts_template", org.semarang, kind=kind),
                          {"periode": ""})
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    content = download.content
    reader = pd.read_excel if kind == "xlsx" else pd.read_csv
    frame = reader(io.BytesIO(content), dtype=str).fillna("")
    assert list(frame.columns) == ["tanggal", "layanan", "jumlah"]
    assert ["2026-11-02", "Kunjungan keluarga", "40"] in frame.values.tolist()
    assert ["", "Penitipan barang", ""] in frame.values.tolist()
    ServiceCount.objects.all().delete()
    response = upload(client, org.semarang, content, f"Jumlah_layanan.{kind}")
    assert response.status_code == 302
    assert stored(org.semarang) == before


def test_template_of_an_unknown_kind_is_404(org, login):
    assert login(org.officer_semarang).get(url("service_counts_template", org.semarang, kind="pdf")).status_code == 404


@pytest.mark.parametrize("who", ["officer_surakarta", "officer_yogyakarta", "kanwil_diy"])
def test_pages_outside_the_scope_are_404(org, login, who):
    client = login(getattr(org, who))
    kunjungan, _ = services(org.semarang)
    assert client.get(url("service_counts", org.semarang)).status_code == 404
    assert client.post(url("service_counts", org.semarang),
                       {"first_day": "2026-11-02", "service": kunjungan.pk, "served": 4}).status_code == 404
    assert client.get(url("service_counts_template", org.semarang, kind="csv")).status_code == 404
    assert upload(client, org.semarang, b"tanggal,layanan,jumlah\n2026-11-02,Kunjungan keluarga,4\n",
                  "a.csv").status_code == 404
    assert ServiceCount.objects.count() == 0


@pytest.mark.parametrize("who", ["kanwil_jateng", "pusat"])
def test_kanwil_and_pusat_may_enter(org, login, who):
    kunjungan, _ = services(org.semarang)
    response = login(getattr(org, who)).post(url("service_counts", org.semarang),
                                             {"first_day": "2026-11-02", "service": kunjungan.pk, "served": 4})
    assert response.status_code == 302 and ServiceCount.objects.count() == 1


def test_page_and_upload_errors_in_english(org, login):
    client = login(org.officer_semarang)
    page = client.get(url("service_counts", org.semarang), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Service counts" in page and "Upload Excel or CSV" in page
    response = client.post(url("service_counts_upload", org.semarang), HTTP_ACCEPT_LANGUAGE="en",
                           data={"file": SimpleUploadedFile("a.csv", b"tanggal,layanan,jumlah\n2026-11-02,X,4\n")})
    assert "Row 2, column layanan: service unknown at this unit." in response.content.decode()
