"""Access points: unguessable tokens, enable/disable, and posters whose QR code opens the public form."""
import io
from urllib.parse import quote

import pytest
import zxingcpp
from PIL import Image

from surveys.models import AccessPoint
from surveys.posters import qr_code
from tests.factories import make_access_point

pytestmark = pytest.mark.django_db


def decode_png(content: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))]


def test_officer_creates_a_counter_access_point_with_an_unguessable_token(org, login):
    client = login(org.officer_semarang)
    kunjungan = org.semarang.services.get(name="Kunjungan keluarga")
    response = client.post("/staf/upt/lapas-semarang/titik-akses/",
                           {"name": "Loket kunjungan", "kind": "counter", "default_service": kunjungan.pk})
    point = AccessPoint.objects.get(name="Loket kunjungan")
    assert response["Location"] == f"/staf/upt/lapas-semarang/titik-akses/{point.pk}/"
    assert point.unit == org.semarang and point.enabled and point.default_service == kunjungan
    assert len(point.token) == 16 and point.public_path == f"/s/{point.token}/"
    assert not set(point.token) & set("0o1liIO")  # no look-alikes in the URL typed from the poster
    other = make_access_point(org.semarang)
    assert other.token != point.token


def test_default_service_must_belong_to_the_unit(org, login):
    foreign = org.surakarta.services.first()
    response = login(org.officer_semarang).post(
        "/staf/upt/lapas-semarang/titik-akses/", {"name": "Loket", "kind": "counter", "default_service": foreign.pk}
    )
    assert response.status_code == 400 and not AccessPoint.objects.exists()


def test_duplicate_name_in_a_unit_is_refused_with_a_message(org, login, counter):
    response = login(org.officer_semarang).post("/staf/upt/lapas-semarang/titik-akses/",
                                                {"name": "loket utama", "kind": "counter"})
    assert response.status_code == 400
    assert "Titik akses dengan nama ini sudah ada di UPT ini." in response.content.decode()


def test_poster_png_decodes_to_the_public_form_url(org, login, counter, settings):
    settings.PUBLIC_BASE_URL = "https://survei.kemenimipas.go.id"
    response = login(org.officer_semarang).get(f"/staf/upt/lapas-semarang/titik-akses/{counter.pk}/poster.png")
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1240, 1754)  # A4 at 150 dpi
    assert decode_png(response.content) == [f"https://survei.kemenimipas.go.id/s/{counter.token}/"]


def test_counter_card_png_decodes_too_and_uses_the_request_host_without_a_base_url(org, login, counter, settings):
    settings.PUBLIC_BASE_URL = ""
    url = f"/staf/upt/lapas-semarang/titik-akses/{counter.pk}/poster.png?ukuran=kartu"
    response = login(org.officer_semarang).get(url)
    assert Image.open(io.BytesIO(response.content)).size == (620, 874)
    assert decode_png(response.content) == [f"http://testserver/s/{counter.token}/"]


def test_html_poster_has_the_qr_unit_service_promise_and_typed_url(org, login, settings):
    settings.PUBLIC_BASE_URL = "https://survei.kemenimipas.go.id/"
    kunjungan = org.semarang.services.get(name="Kunjungan keluarga")
    point = make_access_point(org.semarang, name="Loket kunjungan", service=kunjungan)
    page = login(org.officer_semarang).get(f"/staf/upt/lapas-semarang/titik-akses/{point.pk}/poster/")
    html = page.content.decode()
    url = f"https://survei.kemenimipas.go.id/s/{point.token}/"
    assert '<svg viewBox="0 0 ' in html and 'xmlns="http://www.w3.org/2000/svg"' in html
    for text in ("Lapas Kelas I Semarang", "Kunjungan keluarga", "Pindai setelah Anda selesai dilayani",
                 "Anonim · kurang dari 2 menit", f'<p class="poster-url">{url}</p>', "css/poster.css"):
        assert text in html
    assert "<style" not in html and "<script" not in html  # the CSP allows neither


def test_the_qr_matrix_encodes_exactly_the_url():
    url = "https://survei.kemenimipas.go.id/s/abcDEF123_-xyz0/"
    qr = qr_code(url)
    scale = 4
    rows = [[0 if dark else 255 for dark in row for _ in range(scale)] for row in qr.matrix_iter(scale=1, border=4)
            for _ in range(scale)]
    image = Image.frombytes("L", (len(rows[0]), len(rows)), bytes(v for row in rows for v in row))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [url]


def test_disabling_an_access_point_and_rotating_its_token(org, login, counter):
    client = login(org.officer_semarang)
    old_token = counter.token
    client.post(f"/staf/upt/lapas-semarang/titik-akses/{counter.pk}/status/")
    counter.refresh_from_db()
    assert counter.enabled is False
    page = client.get(f"/staf/upt/lapas-semarang/titik-akses/{counter.pk}/").content.decode()
    assert "halaman pemberitahuan, bukan formulir" in page
    client.post(f"/staf/upt/lapas-semarang/titik-akses/{counter.pk}/status/")
    client.post(f"/staf/upt/lapas-semarang/titik-akses/{counter.pk}/tautan-baru/")
    counter.refresh_from_db()
    assert counter.enabled is True and counter.token != old_token


def test_kanwil_manages_its_units_access_points(org, login, counter):
    client = login(org.kanwil_jateng)
    assert client.get(f"/staf/upt/lapas-semarang/titik-akses/{counter.pk}/poster/").status_code == 200
    client.post("/staf/upt/rutan-surakarta/titik-akses/", {"name": "Tablet", "kind": "kiosk", "kiosk": "on"})
    assert AccessPoint.objects.get(name="Tablet").unit == org.surakarta


def test_access_point_page_links_the_form_with_copy_and_whatsapp_share(org, login, counter, settings):
    settings.PUBLIC_BASE_URL = "https://survei.example.go.id"
    page = login(org.officer_semarang).get(f"/staf/upt/lapas-semarang/titik-akses/{counter.pk}/").content.decode()
    url = f"https://survei.example.go.id/s/{counter.token}/"
    assert f'<a id="public-url" href="{url}">{url}</a>' in page
    assert f'data-copy="{url}"' in page and "Salin alamat" in page  # shown by the script only (hidden)
    share = "https://wa.me/?text=" + quote(f"Survei layanan Lapas Kelas I Semarang: {url}", safe="/")
    assert f'href="{share}"' in page and "Bagikan lewat WhatsApp" in page
