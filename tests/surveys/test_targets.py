"""Officers enter each service's population and read the target; Kanwil staff see and adjust their units'."""
from datetime import date

import pytest

from surveys.models import Period, Target
from tests.factories import make_period, make_target

pytestmark = pytest.mark.django_db


def field(service):
    return f"s{service.pk}-population"


def test_officer_enters_populations_and_reads_the_krejcie_morgan_targets(org, login, period):
    client = login(org.officer_semarang)
    kunjungan, titipan = org.semarang.services.order_by("name")
    page = client.get("/staf/upt/lapas-semarang/target/").content.decode()
    assert "Triwulan IV 2026" in page and "Kunjungan keluarga" in page and "Penitipan barang" in page
    assert "Target disesuaikan Kanwil" not in page  # officers do not adjust
    response = client.post(f"/staf/upt/lapas-semarang/target/?periode={period.pk}",
                           {field(kunjungan): "1000", field(titipan): "20"})
    assert response.status_code == 302
    targets = {t.service.name: (t.population, t.sample_target, t.effective_target)
               for t in Target.objects.filter(period=period)}
    # The unit's target is Krejcie–Morgan of 1,020 (279), split 274/5 by population.
    assert targets == {"Kunjungan keluarga": (1000, 274, 274), "Penitipan barang": (20, 5, 5)}
    page = client.get(response["Location"]).content.decode()
    assert "2 jenis layanan disimpan." in page
    assert '<strong class="target-effective">279</strong>' in page  # the unit's target


def test_negative_or_non_numeric_population_is_refused_and_nothing_saved(org, login, period):
    client = login(org.officer_semarang)
    kunjungan, titipan = org.semarang.services.order_by("name")
    response = client.post(f"/staf/upt/lapas-semarang/target/?periode={period.pk}",
                           {field(kunjungan): "100", field(titipan): "-5"})
    assert response.status_code == 400
    assert not Target.objects.exists()
    response = client.post(f"/staf/upt/lapas-semarang/target/?periode={period.pk}", {field(kunjungan): "banyak"})
    assert response.status_code == 400 and not Target.objects.exists()


def test_unit_target_is_krejcie_morgan_of_the_total_allocated_by_largest_remainder(org, login, period):
    kunjungan, titipan = org.semarang.services.order_by("name")
    pengaduan = org.semarang.services.create(name="Layanan pengaduan")
    client = login(org.officer_semarang)
    client.post(f"/staf/upt/lapas-semarang/target/?periode={period.pk}",
                {field(kunjungan): "300", field(titipan): "120", field(pengaduan): "80"})
    parts = {t.service.name: t.sample_target for t in Target.objects.filter(period=period)}
    assert parts == {"Kunjungan keluarga": 130, "Penitipan barang": 52, "Layanan pengaduan": 35}  # N = 500 → 217
    page = client.get(f"/staf/upt/lapas-semarang/target/?periode={period.pk}").content.decode()
    assert '<strong class="target-effective">217</strong>' in page
    assert "dari total populasi seluruh layanan" in page  # the rule, in one sentence
    client.post(f"/staf/upt/lapas-semarang/target/?periode={period.pk}", {field(titipan): "40"})
    parts = {t.service.name: t.sample_target for t in Target.objects.filter(period=period)}
    assert parts == {"Kunjungan keluarga": 144, "Penitipan barang": 19, "Layanan pengaduan": 38}  # N = 420 → 201


def test_a_unit_of_25_surveys_all_25(org, login, period):
    kunjungan, titipan = org.surakarta.services.order_by("name")
    login(org.officer_surakarta).post(f"/staf/upt/rutan-surakarta/target/?periode={period.pk}",
                                      {field(kunjungan): "20", field(titipan): "5"})
    assert sorted(Target.objects.filter(period=period).values_list("sample_target", flat=True)) == [5, 20]


def test_kanwil_and_national_targets_are_sums_of_unit_targets(org, login, period):
    from reporting.selectors import targets_by_unit
    from surveys.models import Unit

    kunjungan, titipan = org.semarang.services.order_by("name")
    make_target(period, kunjungan, population=300)
    make_target(period, titipan, population=200)  # Semarang: N = 500 → 217
    make_target(period, org.surakarta.services.get(name="Kunjungan keluarga"), population=25)  # → 25
    make_target(period, org.yogyakarta.services.get(name="Kunjungan keluarga"), population=100)  # → 80
    page = login(org.kanwil_jateng).get(f"/staf/kanwil/jateng-pas/?periode={period.pk}").content.decode()
    assert "217" in page and "242" in page  # the Kanwil total: 217 + 25
    by_unit = targets_by_unit(period, Unit.objects.all())
    assert by_unit == {org.semarang.pk: 217, org.surakarta.pk: 25, org.yogyakarta.pk: 80}
    assert sum(by_unit.values()) == 322  # the nation's target


def test_kanwil_adjusts_the_unit_target_within_the_population(org, login, period):
    kunjungan, titipan = org.semarang.services.order_by("name")
    make_target(period, kunjungan, population=300)
    make_target(period, titipan, population=200)
    client = login(org.kanwil_jateng)
    page = client.get(f"/staf/upt/lapas-semarang/target/?periode={period.pk}").content.decode()
    assert "Target disesuaikan Kanwil" in page
    client.post(f"/staf/upt/lapas-semarang/target/?periode={period.pk}",
                {field(kunjungan): "300", field(titipan): "200", "unit-adjusted_target": "101"})
    rows = {t.service.name: (t.sample_target, t.adjusted_target) for t in Target.objects.filter(period=period)}
    assert rows == {"Kunjungan keluarga": (130, 61), "Penitipan barang": (87, 40)}  # 101 split 60.6 / 40.4
    page = client.get(f"/staf/upt/lapas-semarang/target/?periode={period.pk}").content.decode()
    assert '<strong class="target-effective">101</strong>' in page and 'value="101"' in page
    response = client.post(f"/staf/upt/lapas-semarang/target/?periode={period.pk}",
                           {field(kunjungan): "300", field(titipan): "200", "unit-adjusted_target": "900"})
    assert response.status_code == 400 and "Tidak boleh melebihi populasi." in response.content.decode()
    assert sum(Target.objects.filter(period=period).values_list("adjusted_target", flat=True)) == 101
    client.post(f"/staf/upt/lapas-semarang/target/?periode={period.pk}",
                {field(kunjungan): "300", field(titipan): "200", "unit-adjusted_target": ""})
    assert set(Target.objects.filter(period=period).values_list("adjusted_target", flat=True)) == {None}


def test_officer_cannot_adjust_even_by_posting_the_field(org, login, period):
    kunjungan = org.semarang.services.get(name="Kunjungan keluarga")
    login(org.officer_semarang).post(f"/staf/upt/lapas-semarang/target/?periode={period.pk}",
                                     {field(kunjungan): "500", "unit-adjusted_target": "31"})
    assert Target.objects.get(service=kunjungan).adjusted_target is None


def test_migration_recomputes_stored_per_service_targets(org, period):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("surveys.migrations.0004_recompute_unit_targets")
    kunjungan, titipan = org.semarang.services.order_by("name")
    pengaduan = org.semarang.services.create(name="Layanan pengaduan")
    # Rows as the old rule stored them: Krejcie–Morgan per service (169 + 92 + 66 = 327), and an adjustment.
    for service, population, old in ((kunjungan, 300, 169), (titipan, 120, 92), (pengaduan, 80, 66)):
        Target.objects.create(period=period, service=service, population=population, sample_target=old)
    yogya = org.yogyakarta.services.get(name="Kunjungan keluarga")
    Target.objects.create(period=period, service=yogya, population=100, sample_target=80, adjusted_target=50)
    migration.recompute(apps, None)
    rows = {t.service_id: (t.sample_target, t.adjusted_target) for t in Target.objects.all()}
    assert rows == {kunjungan.pk: (130, None), titipan.pk: (52, None), pengaduan.pk: (35, None), yogya.pk: (80, 50)}


def test_populations_are_carried_from_the_previous_period(org, login, period):
    kunjungan = org.semarang.services.get(name="Kunjungan keluarga")
    make_target(period, kunjungan, population=100)
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    nxt = make_period(name="Triwulan I 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31))
    client = login(org.officer_semarang)
    client.post("/staf/upt/lapas-semarang/target/salin/", {"period": nxt.pk})
    carried = Target.objects.get(period=nxt, service=kunjungan)
    assert (carried.population, carried.sample_target, carried.source) == (100, 80, "carried")
    page = client.get(f"/staf/upt/lapas-semarang/target/?periode={nxt.pk}").content.decode()
    assert "Dari periode sebelumnya" in page


def test_closed_periods_targets_cannot_change(org, login, period):
    kunjungan = org.semarang.services.get(name="Kunjungan keluarga")
    make_target(period, kunjungan, population=100)
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    login(org.officer_semarang).post(f"/staf/upt/lapas-semarang/target/?periode={period.pk}",
                                     {field(kunjungan): "999"})
    assert Target.objects.get(service=kunjungan).population == 100


def test_kanwil_overview_lists_its_units_targets_only(org, login, period):
    make_target(period, org.semarang.services.get(name="Kunjungan keluarga"), population=1000)
    make_target(period, org.yogyakarta.services.get(name="Kunjungan keluarga"), population=10_000)
    page = login(org.kanwil_jateng).get("/staf/kanwil/jateng-pas/").content.decode()
    assert "Lapas Kelas I Semarang" in page and "Rutan Kelas I Surakarta" in page
    assert "Lapas Kelas IIA Yogyakarta" not in page and "370" not in page
    assert "278" in page and "2 UPT belum mengisi populasi" in page


def test_officer_adds_and_switches_off_a_service_type(org, login):
    client = login(org.officer_semarang)
    client.post("/staf/upt/lapas-semarang/layanan/", {"name": "Layanan pengaduan", "name_en": "Complaints"})
    service = org.semarang.services.get(name="Layanan pengaduan")
    response = client.post("/staf/upt/lapas-semarang/layanan/", {"name": "layanan pengaduan"})
    assert response.status_code == 400 and "sudah ada" in response.content.decode()
    client.post(f"/staf/upt/lapas-semarang/layanan/{service.pk}/status/")
    service.refresh_from_db()
    assert service.active is False


def test_targets_page_reads_in_english(org, login, period):
    page = login(org.officer_semarang).get("/staf/upt/lapas-semarang/target/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Population and target sample" in html and "Part of the target (Krejcie–Morgan)" in html
    assert "then split over the services in proportion to their populations" in html
    assert "Populasi dan target sampel" not in html


def test_bad_period_values_give_a_message_or_404_never_a_500(org, login, period):
    client = login(org.officer_semarang)
    response = client.post("/staf/upt/lapas-semarang/target/salin/", {"period": "abc"}, follow=True)
    assert response.status_code == 200 and "Pilih periode terlebih dahulu." in response.content.decode()
    assert client.get("/staf/upt/lapas-semarang/target/?periode=999999").status_code == 404
    assert client.get("/staf/upt/lapas-semarang/target/?periode=x").status_code == 200


def test_methodology_page_states_the_unit_target_rule_in_both_languages(client):
    html = client.get("/metodologi/").content.decode()
    assert "dari total penerima layanan (populasi) seluruh jenis layanannya" in html
    html = client.get("/metodologi/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kanwil and national targets are the sums of the UPT targets" in html
