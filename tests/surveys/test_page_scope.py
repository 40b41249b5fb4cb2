"""Every staff page of the surveys app, opened from outside its scope: 404 for another unit or region,
403 for a page of another role, the login page for a visitor."""
import pytest
from django.utils import timezone

from surveys.models import ExtraItem, KioskDevice, Period
from tests.factories import make_access_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(org, period):
    kiosk = make_access_point(org.semarang, name="Tablet", kiosk=True)
    return {
        "ap": make_access_point(org.semarang, name="Loket utama"),
        "kiosk": kiosk,
        "device": KioskDevice.objects.create(access_point=kiosk, created_at=timezone.now(),
                                             enrolled_at=timezone.now()),
        "service": org.semarang.services.first(),
        "item": ExtraItem.objects.create(period=period, unit=org.semarang, kind="text", prompt="U"),
        "period": period,
    }


UNIT_PAGES = [
    ("get", "/staf/upt/lapas-semarang/"),
    ("get", "/staf/upt/lapas-semarang/layanan/"),
    ("post", "/staf/upt/lapas-semarang/layanan/{service}/status/"),
    ("get", "/staf/upt/lapas-semarang/target/"),
    ("post", "/staf/upt/lapas-semarang/target/"),
    ("post", "/staf/upt/lapas-semarang/target/salin/"),
    ("get", "/staf/upt/lapas-semarang/butir-tambahan/"),
    ("get", "/staf/upt/lapas-semarang/pratinjau/"),
    ("post", "/staf/butir-tambahan/{item}/status/"),
    ("get", "/staf/upt/lapas-semarang/titik-akses/"),
    ("get", "/staf/upt/lapas-semarang/titik-akses/{ap}/"),
    ("post", "/staf/upt/lapas-semarang/titik-akses/{ap}/status/"),
    ("post", "/staf/upt/lapas-semarang/titik-akses/{ap}/tautan-baru/"),
    ("get", "/staf/upt/lapas-semarang/titik-akses/{ap}/poster/"),
    ("get", "/staf/upt/lapas-semarang/titik-akses/{ap}/poster.png"),
    ("post", "/staf/upt/lapas-semarang/titik-akses/{kiosk}/kios/kode/"),
    ("post", "/staf/upt/lapas-semarang/titik-akses/{kiosk}/kios/{device}/cabut/"),
]
KANWIL_PAGES = [
    ("get", "/staf/kanwil/jateng-pas/"),
    ("get", "/staf/kanwil/jateng-pas/butir-tambahan/"),
]
PUSAT_PAGES = [
    ("get", "/staf/instrumen/"),
    ("post", "/staf/instrumen/impor/"),
    ("get", "/staf/instrumen/SPAK/v1/"),
    ("get", "/staf/instrumen/SPAK/v1/ubah/"),
    ("post", "/staf/instrumen/SPAK/v1/draf-baru/"),
    ("post", "/staf/instrumen/SPAK/v1/status/"),
    ("get", "/staf/instrumen/SPAK/v1/ekspor.json"),
    ("post", "/staf/periode/{period}/buka/"),
    ("post", "/staf/periode/{period}/tutup/"),
]


def fill(url, objects):
    return url.format(ap=objects["ap"].pk, kiosk=objects["kiosk"].pk, device=objects["device"].pk,
                      service=objects["service"].pk, item=objects["item"].pk,
                      period=objects["period"].pk)


def call(client, method, url):
    if method == "post":
        return client.post(url, {"period": Period.objects.get().pk})
    return client.get(url)


@pytest.mark.parametrize(("method", "url"), UNIT_PAGES)
def test_unit_pages_are_404_for_another_units_officer_and_another_regions_kanwil(org, login, objects, method, url):
    for outsider in (org.officer_surakarta, org.kanwil_diy):
        assert call(login(outsider), method, fill(url, objects)).status_code == 404


@pytest.mark.parametrize(("method", "url"), UNIT_PAGES)
def test_unit_pages_open_for_the_units_officer(org, login, objects, method, url):
    assert call(login(org.officer_semarang), method, fill(url, objects)).status_code in (200, 302)


@pytest.mark.parametrize(("method", "url"), KANWIL_PAGES)
def test_kanwil_pages_are_404_for_another_region_and_for_officers(org, login, objects, method, url):
    for outsider in (org.kanwil_diy, org.officer_semarang):
        assert call(login(outsider), method, fill(url, objects)).status_code == 404
    assert call(login(org.kanwil_jateng), method, fill(url, objects)).status_code == 200


@pytest.mark.parametrize(("method", "url"), PUSAT_PAGES)
def test_pusat_pages_are_refused_to_kanwil_and_officers(org, login, objects, method, url):
    for outsider in (org.kanwil_jateng, org.officer_semarang):
        assert call(login(outsider), method, fill(url, objects)).status_code == 403


@pytest.mark.parametrize(("method", "url"), UNIT_PAGES + KANWIL_PAGES + PUSAT_PAGES + [("get", "/staf/periode/")])
def test_every_page_sends_a_visitor_to_the_login(client, objects, method, url):
    response = call(client, method, fill(url, objects))
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


def test_pusat_opens_every_page(org, login, objects):
    client = login(org.pusat)
    for method, url in UNIT_PAGES + KANWIL_PAGES:
        assert call(client, method, fill(url, objects)).status_code in (200, 302), url
    for url in ("/staf/instrumen/", "/staf/instrumen/SPAK/v1/", "/staf/periode/"):
        assert client.get(url).status_code == 200, url
