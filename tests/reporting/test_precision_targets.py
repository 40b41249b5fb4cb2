"""Targets by precision beside the Krejcie–Morgan target: UPT dashboard, Kanwil participation table and the
unit's targets page, hand-worked.

Lapas Semarang, N = 100 (two services of 50): Krejcie–Morgan 80. SPKP (8 indicators, 1..4): 15 responses of
all 4 (IK 100) and 15 of all 3 (IK 75) → s = √(30 · 12,5² / 29) = 12,71369; (1,96 · 12,71369 / 3)² = 68,99,
with N = 100: 68,99 / (1 + 67,99/100) = 41,07 → 42 responden. SPAK: every answer 4, no spread yet.
"""
import pytest

from reporting.snapshots import recompute_period
from tests.factories import make_target
from tests.reporting.conftest import make_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(org, period):
    for service in org.semarang.services.all():
        make_target(period, service, population=50)
    for score in [4] * 15 + [3] * 15:
        make_response(period=period, unit=org.semarang, scores={"SPKP": [score] * 8, "SPAK": [4] * 5})
    for _ in range(3):  # Rutan Surakarta: three answers, fewer than k = 5
        make_response(period=period, unit=org.surakarta, scores={"SPKP": [4, 3, 4, 3, 4, 3, 4, 3], "SPAK": [4] * 5})
    recompute_period(period.pk)
    return org


IPKP_42 = "Target presisi IPKP (±3,0): 42 responden"
IPAK_NIL = "Target presisi IPAK (±3,0): belum dapat dihitung, semua jawaban sejauh ini sama (sebaran nol)"


def test_unit_dashboard_shows_the_precision_target_beside_the_krejcie_morgan_target(spread, period, login):
    html = login(spread.officer_semarang).get(f"/staf/dasbor/upt/lapas-semarang/?periode={period.pk}").content.decode()
    panel = html[html.index('data-figure="precision-targets"'):]
    panel = panel[:panel.index("</div>")]
    assert "Target sampel (Krejcie–Morgan): 80 responden" in panel
    assert IPKP_42 in panel and IPAK_NIL in panel


def test_targets_page_shows_the_precision_target(spread, period, login):
    page = login(spread.officer_semarang).get(f"/staf/upt/lapas-semarang/target/?periode={period.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    block = html[html.index('id="precision-targets"'):]
    assert "Target sampel (Krejcie–Morgan): 80 responden" in block and IPKP_42 in block and IPAK_NIL in block


def test_targets_page_of_a_new_period_uses_the_spread_of_the_previous_one(spread, period, login):
    from datetime import date

    from tests.factories import make_period

    nxt = make_period(name="Triwulan I 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31),
                      status="scheduled")
    for service in spread.semarang.services.all():
        make_target(nxt, service, population=50)
    html = login(spread.kanwil_jateng).get(f"/staf/upt/lapas-semarang/target/?periode={nxt.pk}").content.decode()
    assert IPKP_42 + " <span class=\"text-secondary\">(sebaran Triwulan IV 2026)</span>" in html


def test_unit_officers_get_no_precision_target_from_fewer_than_k_responses(spread, period, login):
    html = login(spread.officer_surakarta).get(f"/staf/upt/rutan-surakarta/target/?periode={period.pk}").content
    assert "Target presisi IPKP (±3,0): tidak ditampilkan (&lt; 5 jawaban)" in html.decode()
    # The Kanwil reviewer sees it: 3 answers of t = 28 → IK 87,5 each, no spread.
    html = login(spread.kanwil_jateng).get(f"/staf/upt/rutan-surakarta/target/?periode={period.pk}").content
    assert "Target presisi IPKP (±3,0): belum dapat dihitung, semua jawaban sejauh ini sama" in html.decode()


def test_a_unit_without_answers_gets_a_note_instead_of_a_figure(spread, period, login):
    html = login(spread.officer_yogyakarta).get(f"/staf/upt/lapas-yogyakarta/target/?periode={period.pk}").content
    assert ("Target presisi IPKP (±3,0): belum dapat dihitung, sebaran belum diketahui (kurang dari 2 jawaban)"
            in html.decode())


def test_kanwil_participation_table_shows_precision_targets(spread, period, login):
    html = login(spread.kanwil_jateng).get(f"/staf/dasbor/kanwil/jateng-pas/?periode={period.pk}").content.decode()
    row = html[html.index("Lapas Kelas I Semarang</a>"):]
    row = row[:row.index("</tr>")]
    assert IPKP_42 in row and "Target presisi IPAK (±3,0): sebaran belum diketahui" in row


def test_precision_target_in_english(spread, period, login):
    html = login(spread.kanwil_jateng).get(f"/staf/dasbor/upt/lapas-semarang/?periode={period.pk}",
                                           HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Precision target IPKP (±3.0): 42 respondents" in html
    assert "Sample target (Krejcie–Morgan): 80 respondents" in html

