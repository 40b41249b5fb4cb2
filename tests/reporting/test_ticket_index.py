"""The index from ticket-verified responses only: stored beside the official one, pooled, shown and exported."""
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from reporting.exports.recap import build_recap_workbook
from reporting.exports.rows import Scope
from reporting.models import Level, Snapshot
from reporting.snapshots import recompute_period, recompute_unit
from tests.factories import make_target

from .conftest import WORKED_SPAK, WORKED_SPKP, make_response

pytestmark = pytest.mark.django_db


def snap(level, code, **scope):
    return Snapshot.objects.get(level=level, version__instrument__code=code, is_current=True, service=None,
                                **scope)


@pytest.fixture
def tickets(org, period):
    """Lapas Semarang: the worked example's first, second and fourth responses came with a survey ticket, the
    third and fifth from the QR poster. Rutan Surakarta (same Kanwil): two ticket responses of all 2s."""
    for service in [*org.semarang.services.all(), *org.surakarta.services.all()]:
        make_target(period, service, population=100)
    for number, (spkp, spak) in enumerate(zip(WORKED_SPKP, WORKED_SPAK, strict=True)):
        make_response(period=period, unit=org.semarang, scores={"SPKP": spkp, "SPAK": spak},
                      channel="ticket" if number in (0, 1, 3) else "qr")
    for _ in range(2):
        make_response(period=period, unit=org.surakarta, scores={"SPKP": [2] * 8, "SPAK": [2] * 5},
                      channel="ticket")
    recompute_period(period.pk)
    return org


def test_unit_ticket_index_is_the_official_one_from_the_ticket_responses_only(tickets):
    s = snap(Level.UNIT, "SPKP", unit=tickets.semarang)
    # Official: the worked example, 140 / 40 = 3.50, IK 87.50 (B).
    assert (s.n_counted, s.nrr, s.ik, s.category) == (5, Decimal("3.50"), Decimal("87.50"), "B")
    # Tickets: indicator sums 11, 12, 10, 11, 12, 10, 11, 12 over 3 -> NRR = 89 / 24 = 3.7083 -> 3.71,
    # IK 92.71 (A); SPKP3 = 10 / 3 = 3.33.
    assert (s.n_ticketed, s.nrr_ticketed, s.ik_ticketed, s.category_ticketed) == (
        3, Decimal("3.71"), Decimal("92.71"), "A")
    third = s.indicators[2]
    assert (third["sum_ticketed"], third["count_ticketed"], third["nrr_ticketed"]) == (10, 3, "3.33")
    assert s.ticketed_share == Decimal("60.0")
    spak = snap(Level.UNIT, "SPAK", unit=tickets.semarang)
    # SPAK tickets: all 4s, all 3s, all 4s: 55 over 3 x 5 -> 3.67, IK 91.67 (A).
    assert (spak.nrr_ticketed, spak.ik_ticketed, spak.category_ticketed) == (Decimal("3.67"), Decimal("91.67"), "A")


def test_kanwil_and_nation_pool_the_ticket_sums_exactly(tickets):
    jateng = snap(Level.KANWIL, "SPKP", kanwil=tickets.jateng)
    # Official: (140 + 32) / (7 x 8) = 3.0714 -> 3.07, IK 76.79 (B).
    assert (jateng.n_counted, jateng.nrr, jateng.ik, jateng.category) == (7, Decimal("3.07"), Decimal("76.79"), "B")
    # Tickets: (89 + 32) / (5 x 8) = 3.025 -> 3.03 (half up), IK 75.625 -> 75.63 (C); 5 of 7 counted.
    assert (jateng.n_ticketed, jateng.nrr_ticketed, jateng.ik_ticketed, jateng.category_ticketed) == (
        5, Decimal("3.03"), Decimal("75.63"), "C")
    assert jateng.ticketed_share == Decimal("71.4")
    nation = snap(Level.NATION, "SPKP")
    assert (nation.n_ticketed, nation.nrr_ticketed, nation.ik_ticketed) == (5, Decimal("3.03"), Decimal("75.63"))


def test_a_unit_recompute_pools_the_ticket_sums_like_the_full_one(tickets, period):
    make_response(period=period, unit=tickets.surakarta, scores={"SPKP": [4] * 8, "SPAK": [4] * 5},
                  channel="ticket")
    recompute_unit(tickets.surakarta.pk, period.pk)
    jateng = snap(Level.KANWIL, "SPKP", kanwil=tickets.jateng)
    # (89 + 32 + 32) / (6 x 8) = 3.1875 -> 3.19, IK 79.6875 -> 79.69 (B).
    assert (jateng.n_ticketed, jateng.nrr_ticketed, jateng.ik_ticketed, jateng.category_ticketed) == (
        6, Decimal("3.19"), Decimal("79.69"), "B")
    before = {(s.level, s.unit_id, s.kanwil_id, s.version_id, s.service_id):
              (s.n_ticketed, s.nrr_ticketed, s.ik_ticketed) for s in Snapshot.objects.current()}
    recompute_period(period.pk)
    after = {(s.level, s.unit_id, s.kanwil_id, s.version_id, s.service_id):
             (s.n_ticketed, s.nrr_ticketed, s.ik_ticketed) for s in Snapshot.objects.current()}
    assert before == after


def test_no_ticket_response_means_no_ticket_index(worked, period):
    recompute_period(period.pk)
    s = snap(Level.UNIT, "SPKP", unit=worked.semarang)
    assert (s.n_ticketed, s.nrr_ticketed, s.ik_ticketed, s.category_ticketed) == (0, None, None, "")


def test_kanwil_dashboard_shows_the_ticket_index_per_unit_and_for_the_region(tickets, login):
    page = login(tickets.kanwil_jateng).get(
        reverse("dashboard_kanwil", kwargs={"code": tickets.jateng.code})).content.decode()
    assert "Hanya jawaban bertiket survei:" in page
    assert '<span class="figure-number">3,03</span> · IK <span class="figure-number">75,63</span> · C' in page
    assert "5 jawaban bertiket (71,4 % dari yang dihitung)" in page
    # Per unit, in the table: Semarang 3.71 from 3 of 5, Surakarta 2.00 from all.
    assert "bertiket: 3,71 · IK 92,71 · A (60,0 % jawaban)" in page
    assert "bertiket: 2,00 · IK 50,00 · D (100,0 % jawaban)" in page


def test_kanwil_staff_of_another_region_cannot_see_it(tickets, login):
    client = login(tickets.kanwil_diy)
    assert client.get(reverse("dashboard_kanwil", kwargs={"code": tickets.jateng.code})).status_code == 404
    assert client.get(reverse("dashboard_unit", kwargs={"code": tickets.semarang.code})).status_code == 404
    own = client.get(reverse("dashboard_kanwil", kwargs={"code": tickets.diy.code})).content.decode()
    assert "3,71" not in own and "92,71" not in own


def test_unit_officer_gets_no_ticket_index_from_fewer_than_k(tickets, login):
    page = login(tickets.officer_semarang).get(
        reverse("dashboard_unit", kwargs={"code": tickets.semarang.code})).content.decode()
    assert 'data-figure="IPKP">3,50<' in page  # five counted: the official index is shown
    assert "tidak ditampilkan kepada UPT demi anonimitas responden (kelompok &lt; 5 jawaban)" in page
    assert "92,71" not in page


def test_unit_officer_sees_it_when_both_groups_reach_k(tickets, period, login):
    for _ in range(2):
        make_response(period=period, unit=tickets.semarang, scores={"SPKP": [4] * 8, "SPAK": [4] * 5},
                      channel="ticket")
    for _ in range(3):
        make_response(period=period, unit=tickets.semarang, scores={"SPKP": [4] * 8, "SPAK": [4] * 5})
    recompute_period(period.pk)
    page = login(tickets.officer_semarang).get(
        reverse("dashboard_unit", kwargs={"code": tickets.semarang.code})).content.decode()
    # Tickets: (89 + 64) / (5 x 8) = 3.825 -> 3.83, IK 95.625 -> 95.63 (A), 5 of 10.
    assert '<span class="figure-number">3,83</span> · IK <span class="figure-number">95,63</span> · A' in page
    assert "5 jawaban bertiket (50,0 % dari yang dihitung)" in page


def _recap(tmp_path, scope, period, **kwargs):
    path = tmp_path / "rekap.xlsx"
    build_recap_workbook(path, scope=scope, period=period, now=datetime(2026, 11, 21, 14, 0,
                                                                        tzinfo=ZoneInfo("Asia/Jakarta")), **kwargs)
    ws = openpyxl.load_workbook(path)["IPKP"]
    header = [c.value for c in ws[4]]
    rows = {}
    for row in ws.iter_rows(min_row=5, values_only=True):
        key = row[1] or row[2]
        if key:
            rows[key] = dict(zip(header, row, strict=False))
    return header, rows


TICKET_COLUMNS = ["NRR hanya respons bertiket", "IK hanya respons bertiket", "Kategori (bertiket)",
                  "Respons bertiket", "Porsi bertiket"]


def test_recap_has_the_ticket_index_beside_the_official_and_the_unflagged_one(tickets, period, tmp_path):
    header, rows = _recap(tmp_path, Scope("kanwil", kanwil=tickets.jateng), period)
    at = header.index("IK tanpa respons bertanda")
    assert header[at + 1:at + 6] == TICKET_COLUMNS
    semarang = rows["lapas-semarang"]
    assert (semarang["IK"], semarang["IK tanpa respons bertanda"]) == (87.5, 87.5)
    assert [semarang[c] for c in TICKET_COLUMNS] == [3.71, 92.71, "A", 3, 0.6]
    assert [rows["rutan-surakarta"][c] for c in TICKET_COLUMNS] == [2.0, 50.0, "D", 2, 1.0]
    total = rows["Total Kanwil Ditjenpas Jawa Tengah (gabungan responden)"]
    assert [total[c] for c in TICKET_COLUMNS] == [3.03, 75.63, "C", 5, pytest.approx(5 / 7)]


def test_restricted_recap_leaves_out_a_ticket_index_from_fewer_than_k(tickets, period, tmp_path):
    _header, rows = _recap(tmp_path, Scope("unit", unit=tickets.semarang), period, restricted=True)
    assert [rows["lapas-semarang"][c] for c in TICKET_COLUMNS] == [None, None, None, "< 5", None]
    _header, rows = _recap(tmp_path, Scope("unit", unit=tickets.semarang), period)
    assert [rows["lapas-semarang"][c] for c in TICKET_COLUMNS] == [3.71, 92.71, "A", 3, 0.6]
