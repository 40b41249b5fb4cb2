"""Response rates from service counts and, failing them, from tickets issued; the odd days (hand-worked)."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse

from reporting.service_rates import scope_rates, unit_rates
from responses.models import Response
from surveys.audit import system_actor
from surveys.models import ServiceCount, TicketBatch
from surveys.tickets import issue_tickets
from tests.factories import make_access_point

from .conftest import WORKED_SPAK, WORKED_SPKP, make_response

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=JAKARTA)


def answer(unit, period, service, day, n, *, hour=10, **fields):
    for _ in range(n):
        make_response(period=period, unit=unit, service=service, created_at=at(day, hour),
                      scores={"SPKP": WORKED_SPKP[0], "SPAK": WORKED_SPAK[0]}, **fields)


def counted_semarang(org, period):
    """Kunjungan: 2 Nov 40 served, 10 answers. Penitipan: 2 Nov 20/5; 3 Nov 4 served, 6 answers (more answers
    than services); 4 Nov nothing recorded, 2 answers (late evening: still 4 Nov in Jakarta). One rejected
    answer on 2 Nov is not counted."""
    kunjungan, penitipan = org.semarang.services.order_by("name")
    ServiceCount.objects.create(service=kunjungan, day=date(2026, 11, 2), served=40)
    ServiceCount.objects.create(service=penitipan, day=date(2026, 11, 2), served=20)
    ServiceCount.objects.create(service=penitipan, day=date(2026, 11, 3), served=4)
    answer(org.semarang, period, kunjungan, 2, 10)
    answer(org.semarang, period, kunjungan, 2, 1, status=Response.Status.REJECTED)
    answer(org.semarang, period, penitipan, 2, 5)
    answer(org.semarang, period, penitipan, 3, 6)
    answer(org.semarang, period, penitipan, 4, 2, hour=23)
    return kunjungan, penitipan


def test_rates_per_unit_service_and_day_from_counts(org, period):
    kunjungan, penitipan = counted_semarang(org, period)
    rates = unit_rates(org.semarang, period)
    assert rates.source == "counts"
    # 64 served (40 + 20 + 4), 23 counted answers (10 + 5 + 6 + 2): 35.9375 % → 35.9 %
    assert (rates.total.served, rates.total.responses, rates.total.rate) == (64, 23, Decimal("35.9"))
    services = {str(r.label): (r.served, r.responses, r.rate) for r in rates.services}
    assert services == {"Kunjungan keluarga": (40, 10, Decimal("25.0")),  # 10 ÷ 40
                        "Penitipan barang": (24, 13, Decimal("54.2"))}  # 13 ÷ 24 = 54.17 %
    days = {r.label: (r.served, r.responses, r.rate) for r in rates.days}
    assert days == {date(2026, 11, 2): (60, 15, Decimal("25.0")), date(2026, 11, 3): (4, 6, Decimal("150.0")),
                    date(2026, 11, 4): (0, 2, None)}
    odd = [(o.day, o.service, o.served, o.responses, o.zero_service) for o in rates.odd]
    assert odd == [(date(2026, 11, 3), penitipan, 4, 6, False), (date(2026, 11, 4), penitipan, 0, 2, True)]


def test_tickets_issued_are_the_denominator_without_counts(org, period):
    """Surakarta records no counts but issued 8 tickets on 5 Nov; 2 counted answers: 25.0 %. No odd days:
    a ticket is redeemed later than it is issued."""
    service = org.surakarta.services.order_by("name").first()
    point = make_access_point(org.surakarta)
    issue_tickets(access_point=point, count=8, layout=TicketBatch.Layout.A4, service=service,
                  acting_user=system_actor(), now=at(5, 9))
    answer(org.surakarta, period, service, 6, 2)
    rates = unit_rates(org.surakarta, period)
    assert rates.source == "tickets"
    assert (rates.total.served, rates.total.responses, rates.total.rate) == (8, 2, Decimal("25.0"))
    assert {r.label: (r.served, r.responses) for r in rates.days} == {date(2026, 11, 5): (8, 0),
                                                                        date(2026, 11, 6): (0, 2)}
    assert rates.odd == []
    assert unit_rates(org.yogyakarta, period).source is None


def test_counts_win_over_tickets(org, period):
    kunjungan, _ = counted_semarang(org, period)
    issue_tickets(access_point=make_access_point(org.semarang), count=50, layout=TicketBatch.Layout.A4,
                  service=kunjungan, acting_user=system_actor(), now=at(2, 9))
    assert unit_rates(org.semarang, period).total.served == 64


def test_unit_dashboard_shows_the_rate_and_the_odd_days(org, period, login):
    counted_semarang(org, period)
    url = reverse("dashboard_unit", kwargs={"code": org.semarang.code})
    page = login(org.kanwil_jateng).get(url, {"periode": period.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-section="service-rates"' in html
    assert "35,9 %" in html and "25,0 %" in html
    assert 'data-odd-day="2026-11-03"' in html and 'data-odd-day="2026-11-04"' in html
    assert 'data-odd-day="2026-11-02"' not in html
    assert "tanpa layanan tercatat" in html
    # The unit itself reads the rates under the disclosure policy: no odd days (they are for the Kanwil's
    # review, and would give back a day's small count).
    officer = login(org.officer_semarang).get(url, {"periode": period.pk}).content.decode()
    assert "35,9 %" in officer and "data-odd-day" not in officer


def test_unit_dashboard_names_tickets_as_the_denominator(org, period, login):
    issue_tickets(access_point=make_access_point(org.surakarta), count=4, layout=TicketBatch.Layout.A4,
                  acting_user=system_actor(), now=at(5, 9))
    html = login(org.officer_surakarta).get(reverse("dashboard_unit", kwargs={"code": org.surakarta.code}),
                                            {"periode": period.pk}).content.decode()
    assert 'data-source="tickets"' in html and "Tiket diterbitkan" in html


def test_kanwil_dashboard_lists_rates_per_upt_and_odd_days(org, period, login):
    counted_semarang(org, period)
    html = login(org.kanwil_jateng).get(reverse("dashboard_kanwil", kwargs={"code": org.jateng.code}),
                                        {"periode": period.pk}).content.decode()
    assert 'data-table="rate-units"' in html and 'data-unit="lapas-semarang"' in html
    assert 'data-unit="rutan-surakarta"' in html and 'data-unit="lapas-yogyakarta"' not in html
    assert html.count("data-odd-day=") == 2 and "Lapas Kelas I Semarang" in html
    data = scope_rates([org.semarang, org.surakarta], period)
    assert [u.code for u, _ in data["odd"]] == ["lapas-semarang", "lapas-semarang"]


def test_scope_rates_take_the_same_queries_for_more_units(org, period, django_assert_max_num_queries):
    counted_semarang(org, period)
    with django_assert_max_num_queries(4):
        scope_rates([org.semarang, org.surakarta, org.yogyakarta], period)
