"""How a planned indicator moved, tested against its uncertainty (Welch's t on the two periods' means), as the
follow-up page and the UPT dashboard show it: each wording from a constructed pair of periods."""
from datetime import date

import pytest

from reporting.followups import selectors, services
from reporting.snapshots import recompute_period
from tests.reporting.conftest import make_response

pytestmark = pytest.mark.django_db


def answers(org, period, third):
    """One response per score of SPKP3 (the third indicator); every other indicator 4, SPAK all 4."""
    for score in third:
        make_response(period=period, unit=org.semarang, scores={"SPKP": [4, 4, score, 4, 4, 4, 4, 4],
                                                                "SPAK": [4, 4, 4, 4, 4]})


def planned(org, periods, before, after):
    answers(org, periods.q3, before)
    answers(org, periods.q4, after)
    recompute_period(periods.q3.pk, freeze=True)
    recompute_period(periods.q4.pk)
    return services.create_action_plan(
        unit=org.semarang, period=periods.q3, version=periods.spkp, indicator_code="SPKP3", problem="Alur",
        cause="Papan", action="Pasang papan alur", person_in_charge="Kasubsi", deadline=date(2026, 11, 30),
        acting_user=org.officer_semarang)


def change_cell(html: str) -> str:
    row = html[html.index('data-indicator="SPKP3"'):]
    cell = row[row.index("data-change>") + len("data-change>"):]
    return cell[:cell.index("</td>")]


# The hand-worked cases of tests/reporting/test_uncertainty.py::test_indicator_mean_change_welch_t.
@pytest.mark.parametrize(("before", "after", "wording"), [
    ([2, 2, 3, 3], [3, 3, 4, 4], "naik, bermakna"),               # t 2,449 ≥ t(0,975; 6) 2,447
    ([2, 2, 3, 3], [3, 3, 3, 4], "naik, dalam batas kesalahan"),  # t 1,964 < t(0,975; 5) 2,571
    ([3, 3, 4, 4], [2, 2, 2, 3], "turun, bermakna"),              # t −3,273, ν 5
    ([3, 4], [3, 3], "turun, dalam batas kesalahan"),             # t −1, ν 1
    ([3, 3, 4, 4], [4, 3, 4, 3], "tetap"),
])
def test_follow_up_page_says_whether_the_move_is_larger_than_its_uncertainty(org, periods, login, before, after,
                                                                            wording):
    planned(org, periods, before, after)
    page = login(org.kanwil_jateng).get("/staf/upt/lapas-semarang/tindak-lanjut/")
    assert page.status_code == 200
    html = page.content.decode()
    cell = change_cell(html)
    assert cell.startswith(wording + " ") and "(uji Welch, 95 %)" in cell
    assert "uji Welch, 95 %" in html[html.index("data-movement-test"):]


def test_the_moments_are_the_counted_answers_of_the_indicator(org, periods):
    from responses.models import Response

    recorded = planned(org, periods, [2, 2, 3, 3], [3, 3, 4, 4])
    make_response(period=periods.q4, unit=org.semarang, status=Response.Status.REJECTED,
                  scores={"SPKP": [1] * 8, "SPAK": [1] * 5})  # rejected by a reviewer: not counted
    moments = selectors.indicator_moments(org.semarang, [(periods.q3, periods.spkp, "SPKP3"),
                                                         (periods.q4, periods.spkp, "SPKP3")])
    assert (moments[periods.q3.pk].n, moments[periods.q3.pk].total, moments[periods.q3.pk].squares) == (4, 10, 26)
    assert (moments[periods.q4.pk].n, moments[periods.q4.pk].total, moments[periods.q4.pk].squares) == (4, 14, 50)
    move = selectors.indicator_movements(org.semarang, recorded.period)[0]
    assert (move.before, move.after, move.change_text) == (recorded.score, move.after, "naik, bermakna")
    assert str(move.before) == "2.50" and str(move.after) == "3.50"


def test_the_unit_dashboard_shows_the_tested_move(org, periods, login):
    planned(org, periods, [2, 2, 3, 3, 2, 2, 3, 3], [3, 3, 4, 4, 3, 3, 4, 4])
    page = login(org.officer_semarang).get(f"/staf/dasbor/upt/lapas-semarang/?periode={periods.q4.pk}")
    assert page.status_code == 200
    assert change_cell(page.content.decode()).startswith("naik, bermakna ")


def test_unit_officers_get_no_mean_or_change_from_fewer_than_k_answers(org, periods, login):
    planned(org, periods, [2, 2, 3, 3], [3, 3, 4, 4])  # four answers in each period, k = 5
    officer = login(org.officer_semarang).get("/staf/upt/lapas-semarang/tindak-lanjut/").content.decode()
    start = officer.index('data-indicator="SPKP3"')
    row = officer[start:officer.index("</tr>", start)]
    assert "2.50" not in row and "2,50" not in row and "3,50" not in row and "bermakna" not in row
    assert "&lt; 5" in row
    reviewer = login(org.kanwil_jateng).get("/staf/upt/lapas-semarang/tindak-lanjut/").content.decode()
    assert change_cell(reviewer).startswith("naik, bermakna")


def test_a_single_answer_is_never_called_significant(org, periods, login):
    planned(org, periods, [3], [4, 4, 4])
    cell = change_cell(login(org.pusat).get("/staf/upt/lapas-semarang/tindak-lanjut/").content.decode())
    assert cell.startswith("naik, dalam batas kesalahan ") and "satu jawaban" in cell


def test_the_wording_in_english(org, periods, login):
    planned(org, periods, [2, 2, 3, 3], [3, 3, 3, 4])
    html = login(org.kanwil_jateng).get("/staf/upt/lapas-semarang/tindak-lanjut/",
                                        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cell = change_cell(html)
    assert cell.startswith("up, within the margin of error ") and "(Welch's test, 95 %)" in cell


def test_the_plan_page_shows_how_its_indicator_moved(org, periods, login):
    recorded = planned(org, periods, [3, 3, 4, 4], [2, 2, 2, 3])
    html = login(org.kanwil_jateng).get(f"/staf/tindak-lanjut/{recorded.pk}/").content.decode()
    assert change_cell(html).startswith("turun, bermakna ")


def test_methodology_page_states_the_indicator_test(client):
    html = client.get("/metodologi/").content.decode()
    assert "uji t Welch (95 %)" in html
    english = client.get("/metodologi/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Welch&#x27;s t test (95 %)" in english or "Welch's t test (95 %)" in english
