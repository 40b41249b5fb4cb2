"""Reads: the inventory from stored snapshots, targets, the period checklist, movement and recap rows."""
from datetime import date
from decimal import Decimal

import pytest

from reporting.followups import public, selectors, services
from reporting.followups.models import ActionPlan, FollowUpTarget
from surveys.models import Period
from tests.factories import make_access_point, make_period, make_target

from .conftest import SPKP_SUMS, at, make_snapshot, make_suggestion

pytestmark = pytest.mark.django_db


def plan(org, periods, code="SPKP3", version=None, *, unit=None, deadline=date(2026, 11, 30), **kwargs):
    return services.create_action_plan(
        unit=unit or org.semarang, period=periods.q3, version=version or periods.spkp, indicator_code=code,
        problem="Alur layanan membingungkan", cause="Papan alur tidak ada", action="Pasang papan alur di loket",
        person_in_charge="Kasubsi Registrasi", deadline=deadline, acting_user=org.officer_semarang, **kwargs,
    )


def inventory_codes(org, periods):
    return {s.version.instrument.code: [r.item.code for r in s.rows]
            for s in selectors.inventory(org.semarang, periods.q3)}


def test_inventory_is_prefilled_from_the_final_snapshot(org, periods, results):
    assert inventory_codes(org, periods) == {
        "SPAK": ["SPAK4", "SPAK2", "SPAK1"],
        "SPKP": ["SPKP3", "SPKP1", "SPKP6", "SPKP7"],
    }


def test_inventory_prefers_the_final_snapshot_over_a_newer_running_one(org, periods, results):
    results.spkp.is_current = False
    results.spkp.save()
    # A later revision (all 4.00) that is current but not final must not replace the final figures.
    make_snapshot(org.semarang, periods.q3, periods.spkp, [20] * 8, final=False, revision=2)
    assert inventory_codes(org, periods)["SPKP"][0] == "SPKP3"


def test_a_period_target_row_overrides_the_default(org, periods, results):
    FollowUpTarget.objects.create(instrument=periods.spkp.instrument, period=None, target_nrr=Decimal("3.40"))
    assert inventory_codes(org, periods)["SPKP"] == ["SPKP3", "SPKP1", "SPKP6"]
    FollowUpTarget.objects.create(instrument=periods.spkp.instrument, period=periods.q3, target_nrr=Decimal("3.70"))
    assert inventory_codes(org, periods)["SPKP"] == ["SPKP3", "SPKP1", "SPKP6", "SPKP7", "SPKP2", "SPKP4", "SPKP8"]


def test_inventory_without_figures_lists_nothing(org, periods):
    sections = selectors.inventory(org.semarang, periods.q3)
    assert [s.snapshot for s in sections] == [None, None]
    assert all(s.rows == [] for s in sections)


def test_plans_are_attached_to_their_indicator(org, periods, results):
    recorded = plan(org, periods)
    spkp = selectors.inventory(org.semarang, periods.q3)[1]
    assert spkp.rows[0].plans == [recorded]
    assert recorded.score == Decimal("3.00")


def test_checklist_ticks_itself_from_data(org, periods, results):
    now = at(2026, 10, 20, 11)
    items = {i.key: i for i in selectors.period_checklist(org.semarang, periods.q4, now=now)}
    assert [items[k].done for k in ("targets", "access_points", "responses_today", "follow_up")] == [
        False, False, False, False]
    assert items["follow_up"].detail == "0 dari 7 indikator Triwulan III 2026 sudah punya rencana"

    for service in org.semarang.services.all():
        make_target(periods.q4, service)
    make_access_point(org.semarang)
    make_suggestion(org.semarang, periods.q4, "", created_at=at(2026, 10, 20, 9))
    for code in ("SPKP3", "SPKP1", "SPKP6", "SPKP7"):
        plan(org, periods, code)
    for code in ("SPAK4", "SPAK2", "SPAK1"):
        plan(org, periods, code, periods.spak)
    items = {i.key: i for i in selectors.period_checklist(org.semarang, periods.q4, now=now)}
    assert [items[k].done for k in ("targets", "access_points", "responses_today", "follow_up")] == [
        True, True, True, True]
    assert items["responses_today"].detail == "1 jawaban hari ini"


def test_responses_today_counts_the_local_day_only(org, periods):
    make_access_point(org.semarang)
    make_suggestion(org.semarang, periods.q4, "", created_at=at(2026, 10, 19, 23))  # yesterday, Jakarta time
    items = {i.key: i for i in selectors.period_checklist(org.semarang, periods.q4, now=at(2026, 10, 20, 7))}
    assert items["responses_today"].done is False


def test_follow_up_item_not_applicable_without_a_closed_period(org, periods):
    items = {i.key: i for i in selectors.period_checklist(org.semarang, periods.q3, now=at(2026, 9, 1))}
    assert items["follow_up"].done is None  # Q3 is closed but has no figures yet
    periods.q3.status = Period.Status.OPEN
    periods.q4.status = Period.Status.SCHEDULED
    periods.q4.save()
    periods.q3.save()
    items = {i.key: i for i in selectors.period_checklist(org.semarang, periods.q3, now=at(2026, 9, 1))}
    assert items["follow_up"].done is None


def test_next_period_shows_how_planned_indicators_moved(org, periods, results):
    plan(org, periods, "SPKP3")
    plan(org, periods, "SPKP3")  # two actions for one indicator: one movement row
    plan(org, periods, "SPAK4", periods.spak)
    make_snapshot(org.semarang, periods.q4, periods.spkp, [17, 18, 18, 18, 20, 17, 17, 18], final=False)
    moves = {m.plan.indicator_code: m for m in selectors.indicator_movements(org.semarang, periods.q3)}
    assert set(moves) == {"SPKP3", "SPAK4"}
    assert (moves["SPKP3"].before, moves["SPKP3"].after, moves["SPKP3"].delta) == (
        Decimal("3.00"), Decimal("3.60"), Decimal("0.60"))
    assert moves["SPAK4"].after is None and moves["SPAK4"].delta is None


def test_overdue_is_computed_from_deadline_and_status(org, periods, results):
    late = plan(org, periods, deadline=date(2026, 10, 31))
    on_time = plan(org, periods, "SPKP1", deadline=date(2026, 12, 31))
    finished_late = plan(org, periods, "SPKP6", deadline=date(2026, 10, 31), status=ActionPlan.Status.DONE)
    today = date(2026, 11, 1)
    assert [late.status_key(today), on_time.status_key(today), finished_late.status_key(today)] == [
        "overdue", "planned", "done"]
    assert not late.is_overdue(date(2026, 10, 31))  # the deadline day itself is not late
    assert list(selectors.monitoring_plans(org.kanwil_jateng, today=today, status="overdue")) == [late]
    assert list(selectors.monitoring_plans(org.kanwil_jateng, today=today, status="planned")) == [on_time]
    assert list(selectors.monitoring_plans(org.kanwil_diy, today=today)) == []


def test_action_plan_rows_for_the_recap_sheet(org, periods, results):
    suggestion = make_suggestion(org.semarang, periods.q3, "Papan alur tolong diperjelas")
    plan(org, periods, suggestions=[suggestion], is_public=True, deadline=date(2026, 10, 31))
    make_snapshot(org.yogyakarta, periods.q3, periods.spkp, SPKP_SUMS)
    services.create_action_plan(
        unit=org.yogyakarta, period=periods.q3, version=periods.spak, indicator_code="SPAK4", problem="p",
        cause="c", action="a", person_in_charge="x", deadline=date(2026, 12, 1), acting_user=org.officer_yogyakarta,
    )
    rows = list(selectors.action_plan_rows(periods.q3, [org.semarang], today=date(2026, 11, 5)))
    assert rows == [{
        "kanwil": "Kanwil Ditjenpas Jawa Tengah", "unit_code": "lapas-semarang", "unit": "Lapas Kelas I Semarang",
        "period": "Triwulan III 2026", "instrument": "SPKP", "index": "IPKP", "indicator": "SPKP3",
        "score": Decimal("3.00"), "problem": "Alur layanan membingungkan", "cause": "Papan alur tidak ada",
        "action": "Pasang papan alur di loket", "person_in_charge": "Kasubsi Registrasi",
        "deadline": date(2026, 10, 31), "status": "overdue", "status_label": "Terlambat", "overdue": True,
        "done_on": None, "evidence_count": 0, "suggestion_count": 1, "public": True,
    }]
    assert len(list(selectors.action_plan_rows(periods.q3, [org.semarang, org.yogyakarta]))) == 2


def test_public_figures_are_final_and_from_closed_periods_only(org, periods, results, settings):
    settings.PUBLIC_MIN_RESPONSES = settings.PUBLIC_SMALL_SAMPLE_RESPONSES = 1  # the fixture has 5 responses
    make_snapshot(org.semarang, periods.q4, periods.spkp, [20] * 8, final=False)
    q2 = make_period(name="Triwulan II 2026", starts_on=date(2026, 4, 1), ends_on=date(2026, 6, 30),
                     status=Period.Status.CLOSED)
    make_snapshot(org.semarang, q2, periods.spkp, SPKP_SUMS, final=False)  # closed but never finalised
    found = public.public_unit_results(org.semarang)
    assert [p.period.name for p in found] == ["Triwulan III 2026"]
    assert [(f.instrument_code, f.nrr, f.category, f.n_counted) for f in found[0].figures] == [
        ("SPAK", Decimal("3.68"), "A", 5), ("SPKP", Decimal("3.50"), "B", 5)]
    assert found[0].figures[1].category_label == "Baik"


def test_unit_panels_and_movements_render_for_other_pages(org, periods, results, rf):
    from django.template import Context, Template

    from reporting.followups.panels import unit_panels

    plan(org, periods, "SPKP3")
    make_snapshot(org.semarang, periods.q4, periods.spkp, [17, 18, 18, 18, 20, 17, 17, 18], final=False)
    panels = unit_panels(unit=org.semarang, request=rf.get("/"))
    assert 'data-check="targets"' in panels and "Triwulan IV 2026" in panels
    html = Template("{% load followup_tags %}{% followup_movements unit period %}").render(
        Context({"unit": org.semarang, "period": periods.q4}))
    assert 'data-indicator="SPKP3"' in html and "+0,60" in html


def test_plan_changes_are_audited_with_old_and_new_values(org, periods, results):
    from auditlog.models import LogEntry

    recorded = plan(org, periods)
    services.update_action_plan(plan=recorded, changes={"status": "in_progress"}, acting_user=org.officer_semarang)
    entry = LogEntry.objects.get_for_object(recorded).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["status"] == ["planned", "in_progress"]
