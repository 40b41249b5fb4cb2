"""Populations from the people served in the previous period, proposed on the targets page, confirmed, saved
through the audited path and turned into Krejcie–Morgan targets (hand-worked).

Lapas Semarang, Triwulan III 2026: Kunjungan keluarga 300 served (three days of 100), Penitipan barang 120
(one day): N = 420; KM = 3,841 · 420 · 0,25 / (0,0025 · 419 + 3,841 · 0,25) = 403,305 / 2,00775 = 200,87 → 201;
split 201 · 300/420 = 143,57 and 201 · 120/420 = 57,43 → 143 + 57 = 200, the remaining one to the larger
remainder: 144 and 57.
"""
from datetime import date, datetime

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from surveys.audit import system_actor
from surveys.models import Period, ServiceCount, Target, TicketBatch
from surveys.tickets import issue_tickets
from tests.factories import make_access_point, make_period, make_target

pytestmark = pytest.mark.django_db
URL = "/staf/upt/{code}/target/dilayani/?periode={pk}"


@pytest.fixture
def quarters(db):
    q3 = make_period(name="Triwulan III 2026", starts_on=date(2026, 7, 1), ends_on=date(2026, 9, 30),
                     status=Period.Status.CLOSED)
    q4 = make_period(name="Triwulan IV 2026", starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 31))
    return q3, q4


def services_of(unit):
    return {s.name: s for s in unit.services.all()}


@pytest.fixture
def served(org, quarters):
    s = services_of(org.semarang)
    for day in (date(2026, 8, 3), date(2026, 8, 4), date(2026, 8, 5)):
        ServiceCount.objects.create(service=s["Kunjungan keluarga"], day=day, served=100)
    ServiceCount.objects.create(service=s["Penitipan barang"], day=date(2026, 8, 3), served=120)
    ServiceCount.objects.create(service=s["Penitipan barang"], day=date(2026, 10, 2), served=999)  # Q4: not used
    return s


def stored(unit, period):
    return {t.service.name: (t.population, t.sample_target, t.source)
            for t in Target.objects.filter(period=period, service__unit=unit).select_related("service")}


def test_officer_is_shown_the_proposal_with_the_targets_it_gives(org, quarters, served, login):
    q3, q4 = quarters
    page = login(org.officer_semarang).get(URL.format(code="lapas-semarang", pk=q4.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "jumlah orang dilayani pada Triwulan III 2026" in html
    row = html[html.index(f'data-service="{served["Kunjungan keluarga"].pk}"'):]
    assert "<strong>300</strong>" in row[:row.index("</tr>")] and ">144<" in row[:row.index("</tr>")]
    row = html[html.index(f'data-service="{served["Penitipan barang"].pk}"'):]
    assert "<strong>120</strong>" in row[:row.index("</tr>")] and ">57<" in row[:row.index("</tr>")]
    assert stored(org.semarang, q4) == {}  # nothing is stored before the officer confirms


def test_confirming_stores_the_populations_and_the_krejcie_morgan_targets(org, quarters, served, login):
    q3, q4 = quarters
    client = login(org.officer_semarang)
    data = {f"s{served['Kunjungan keluarga'].pk}": "300", f"s{served['Penitipan barang'].pk}": "120"}
    page = client.post(URL.format(code="lapas-semarang", pk=q4.pk), data)
    assert page.status_code == 302 and page["Location"] == f"/staf/upt/lapas-semarang/target/?periode={q4.pk}"
    assert stored(org.semarang, q4) == {"Kunjungan keluarga": (300, 144, "entered"),
                                        "Penitipan barang": (120, 57, "entered")}
    entries = LogEntry.objects.get_for_objects(Target.objects.filter(period=q4))
    assert entries.count() >= 2 and {e.actor for e in entries} == {org.officer_semarang}
    assert "2 populasi diisi dari jumlah dilayani Triwulan III 2026." in client.get(page["Location"]).content.decode()


def test_numbers_changed_since_shown_are_not_stored(org, quarters, served, login):
    q3, q4 = quarters
    data = {f"s{served['Kunjungan keluarga'].pk}": "250", f"s{served['Penitipan barang'].pk}": "120"}
    page = login(org.kanwil_jateng).post(URL.format(code="lapas-semarang", pk=q4.pk), data)
    assert page.status_code == 400 and "berubah sejak ditampilkan" in page.content.decode()
    assert stored(org.semarang, q4) == {}
    page = login(org.kanwil_jateng).post(URL.format(code="lapas-semarang", pk=q4.pk),
                                         {f"s{served['Kunjungan keluarga'].pk}": "x"})
    assert page.status_code == 400


def test_tickets_issued_stand_in_where_no_count_is_entered(org, quarters, login):
    """Rutan Surakarta records no counts; it issued 40 tickets for one service and 10 for the other in Q3:
    N = 50, KM = 48,0125 / 1,08275 = 44,34 → 44; 44 · 40/50 = 35,2 and 8,8 → 35 + 8, one more to 8,8: 35, 9."""
    q3, q4 = quarters
    s = services_of(org.surakarta)
    point = make_access_point(org.surakarta)
    when = timezone.make_aware(datetime(2026, 9, 1, 9))
    issue_tickets(access_point=point, count=40, layout=TicketBatch.Layout.A4, service=s["Kunjungan keluarga"],
                  acting_user=system_actor(), now=when)
    issue_tickets(access_point=point, count=10, layout=TicketBatch.Layout.A4, service=s["Penitipan barang"],
                  acting_user=system_actor(), now=when)
    client = login(org.officer_surakarta)
    assert "tiket survei yang diterbitkan pada Triwulan III 2026" in client.get(
        URL.format(code="rutan-surakarta", pk=q4.pk)).content.decode()
    client.post(URL.format(code="rutan-surakarta", pk=q4.pk),
                {f"s{s['Kunjungan keluarga'].pk}": "40", f"s{s['Penitipan barang'].pk}": "10"})
    assert stored(org.surakarta, q4) == {"Kunjungan keluarga": (40, 35, "entered"),
                                         "Penitipan barang": (10, 9, "entered")}


def test_a_service_nobody_was_served_by_keeps_its_population(org, quarters, login):
    q3, q4 = quarters
    s = services_of(org.semarang)
    ServiceCount.objects.create(service=s["Kunjungan keluarga"], day=date(2026, 8, 3), served=300)
    make_target(q4, s["Penitipan barang"], population=120)
    login(org.pusat).post(URL.format(code="lapas-semarang", pk=q4.pk), {f"s{s['Kunjungan keluarga'].pk}": "300"})
    assert stored(org.semarang, q4) == {"Kunjungan keluarga": (300, 144, "entered"),
                                        "Penitipan barang": (120, 57, "entered")}


def test_no_previous_figures_gives_a_note_and_stores_nothing(org, quarters, login):
    q3, q4 = quarters
    client = login(org.officer_yogyakarta)
    assert 'id="no-proposal"' in client.get(URL.format(code="lapas-yogyakarta", pk=q4.pk)).content.decode()
    assert client.post(URL.format(code="lapas-yogyakarta", pk=q4.pk), {}).status_code == 400
    assert stored(org.yogyakarta, q4) == {}


def test_a_closed_period_is_not_changed(org, quarters, served, login):
    q3, q4 = quarters
    q2 = make_period(name="Triwulan II 2026", starts_on=date(2026, 4, 1), ends_on=date(2026, 6, 30),
                     status=Period.Status.CLOSED)
    ServiceCount.objects.create(service=served["Kunjungan keluarga"], day=date(2026, 5, 4), served=10)
    page = login(org.officer_semarang).get(URL.format(code="lapas-semarang", pk=q3.pk))
    assert page.status_code == 200 and "<form method=\"post\">" not in page.content.decode()
    page = login(org.officer_semarang).post(URL.format(code="lapas-semarang", pk=q3.pk),
                                            {f"s{served['Kunjungan keluarga'].pk}": "10"})
    assert page.status_code == 400 and stored(org.semarang, q3) == {}
    assert q2.pk  # the period before Q3


@pytest.mark.parametrize("who", ["officer_surakarta", "kanwil_diy"])
def test_users_out_of_scope_get_404(org, quarters, served, login, who):
    q3, q4 = quarters
    client = login(getattr(org, who))
    assert client.get(URL.format(code="lapas-semarang", pk=q4.pk)).status_code == 404
    page = client.post(URL.format(code="lapas-semarang", pk=q4.pk),
                       {f"s{served['Kunjungan keluarga'].pk}": "300", f"s{served['Penitipan barang'].pk}": "120"})
    assert page.status_code == 404 and stored(org.semarang, q4) == {}


def test_targets_page_links_to_the_proposal(org, quarters, login):
    q3, q4 = quarters
    html = login(org.officer_semarang).get(f"/staf/upt/lapas-semarang/target/?periode={q4.pk}").content.decode()
    assert f'href="/staf/upt/lapas-semarang/target/dilayani/?periode={q4.pk}"' in html
