"""Follow-up monitoring per UPT: every unit in scope with its closed period's plans by status, none included."""
from datetime import date

import pytest

from reporting.followups import services
from reporting.followups.monitoring import unit_follow_ups

pytestmark = pytest.mark.django_db
URL = "/staf/tindak-lanjut/monitoring/"
TODAY = date(2026, 12, 1)


def record(org, periods, unit, officer, code, *, deadline, status="planned"):
    return services.create_action_plan(
        unit=unit, period=periods.q3, version=periods.spkp, indicator_code=code, problem="p", cause="c",
        action=f"Rencana {code}", person_in_charge="x", deadline=deadline, status=status, acting_user=officer,
    )


@pytest.fixture
def plans(org, periods, results):
    """Semarang: one plan overdue (deadline passed, not done), one in progress, one done; Surakarta and
    Yogyakarta recorded nothing for Triwulan III."""
    record(org, periods, org.semarang, org.officer_semarang, "SPKP3", deadline=date(2026, 11, 1))
    record(org, periods, org.semarang, org.officer_semarang, "SPKP5", deadline=date(2026, 12, 20),
           status="in_progress")
    record(org, periods, org.semarang, org.officer_semarang, "SPKP1", deadline=date(2026, 11, 1), status="done")


def test_every_unit_in_scope_is_listed_with_its_plans_by_status(org, periods, plans):
    rows = {r.unit.code: r for r in unit_follow_ups(org.kanwil_jateng, periods.q3, today=TODAY)}
    assert set(rows) == {"lapas-semarang", "rutan-surakarta"}
    semarang = rows["lapas-semarang"]
    assert (semarang.planned, semarang.in_progress, semarang.done, semarang.overdue) == (0, 1, 1, 1)
    assert semarang.status_key == "overdue"
    surakarta = rows["rutan-surakarta"]
    assert (surakarta.total, surakarta.status_key, surakarta.status_label) == (0, "none", "Belum ada rencana")
    only = unit_follow_ups(org.kanwil_jateng, periods.q3, today=TODAY, only_missing=True)
    assert [r.unit.code for r in only] == ["rutan-surakarta"]
    assert len(unit_follow_ups(org.pusat, periods.q3, today=TODAY)) == 3


def test_monitoring_page_shows_the_unit_with_no_plan_and_filters_to_it(org, periods, plans, login):
    client = login(org.kanwil_jateng)
    html = client.get(URL).content.decode()
    table = html[html.index('id="unit-follow-up-table"'):html.index("</table>", html.index("unit-follow-up-table"))]
    assert "hasil Triwulan III 2026" in html  # the latest closed period, though Triwulan IV is open
    assert '<tr data-unit="rutan-surakarta" data-follow-up="none" class="table-warning">' in table
    assert "Belum ada rencana" in table and "1 UPT belum mencatat tindak lanjut." in html
    assert 'data-unit="lapas-semarang" data-follow-up="overdue"' in table
    assert "lapas-yogyakarta" not in table
    missing = client.get(URL, {"follow_up": "none"}).content.decode()
    table = missing[missing.index('id="unit-follow-up-table"'):]
    assert 'data-unit="rutan-surakarta"' in table and 'data-unit="lapas-semarang"' not in table
    assert "Rencana SPKP3" not in missing  # the plan list is not shown under this filter


def test_an_open_period_filter_falls_back_to_the_latest_closed_one(org, periods, plans, login):
    html = login(org.kanwil_jateng).get(URL, {"period": periods.q4.pk}).content.decode()
    assert "hasil Triwulan III 2026" in html


def test_other_regions_and_officers_see_nothing_of_it(org, periods, plans, login):
    html = login(org.kanwil_diy).get(URL).content.decode()
    assert 'data-unit="lapas-yogyakarta" data-follow-up="none"' in html
    assert "rutan-surakarta" not in html and "lapas-semarang" not in html
    assert login(org.officer_semarang).get(URL).status_code == 403
