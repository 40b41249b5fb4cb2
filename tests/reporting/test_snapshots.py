"""Snapshots computed in the database: unit, service, Kanwil and national figures, revisions and freezing."""
from decimal import Decimal

import pytest

from reporting.models import Level, Snapshot
from reporting.snapshots import freeze_final_snapshots, periods_to_freeze, recompute_period, recompute_unit
from responses.models import Response, Scoresheet
from surveys.models import Period

from .conftest import make_response

pytestmark = pytest.mark.django_db


def snap(level, version_code, *, unit=None, kanwil=None, service=None, period=None):
    qs = Snapshot.objects.filter(level=level, version__instrument__code=version_code, is_current=True,
                                 unit=unit, kanwil=kanwil, service=service)
    if period is not None:
        qs = qs.filter(period=period)
    return qs.get()


def test_unit_snapshot_reproduces_the_worked_example(worked, period):
    recompute_period(period.pk)
    s = snap(Level.UNIT, "SPKP", unit=worked.semarang)
    assert (s.nrr, s.ik, s.category, s.n_counted) == (Decimal("3.50"), Decimal("87.50"), "B", 5)
    assert [i["nrr"] for i in s.indicators] == ["3.40", "3.60", "3.00", "3.60", "4.00", "3.40", "3.40", "3.60"]
    assert s.indicators[2] == {
        "code": "SPKP3", "position": 3, "sum": 15, "count": 5, "nrr": "3.00",
        "sum_unflagged": 15, "count_unflagged": 5, "nrr_unflagged": "3.00",
        "sum_ticketed": 0, "count_ticketed": 0, "nrr_ticketed": None,
    }
    spak = snap(Level.UNIT, "SPAK", unit=worked.semarang)
    assert (spak.nrr, spak.ik, spak.category) == (Decimal("3.60"), Decimal("90.00"), "A")
    assert s.last_response_at == Response.objects.latest("pk").created_at


def test_flagged_responses_count_but_are_left_out_of_the_unflagged_figure(worked, period):
    make_response(period=period, unit=worked.semarang, scores={"SPKP": [1] * 8, "SPAK": [1] * 5}, flagged=True)
    recompute_period(period.pk)
    s = snap(Level.UNIT, "SPKP", unit=worked.semarang)
    # Six counted: (140 + 8) / 48 = 3.0833 -> 3.08; IK 77.08 (B). Without the flagged one: the worked 3.50.
    assert (s.n_counted, s.n_flagged) == (6, 1)
    assert (s.nrr, s.ik, s.category) == (Decimal("3.08"), Decimal("77.08"), "B")
    assert (s.nrr_unflagged, s.ik_unflagged, s.category_unflagged) == (Decimal("3.50"), Decimal("87.50"), "B")


def test_rejected_responses_are_excluded_and_counted_as_such(worked, period):
    make_response(period=period, unit=worked.semarang, scores={"SPKP": [1] * 8, "SPAK": [1] * 5},
                  status=Response.Status.REJECTED, flagged=True)
    recompute_period(period.pk)
    s = snap(Level.UNIT, "SPKP", unit=worked.semarang)
    assert (s.n_counted, s.n_rejected, s.n_flagged, s.nrr) == (5, 1, 0, Decimal("3.50"))


def test_kanwil_and_nation_are_pooled_with_unit_average_beside(worked, period):
    # Rutan Surakarta: 3 responses, all 2s -> NRR 2.00. Lapas Yogyakarta (another Kanwil): one all-4s.
    for _ in range(3):
        make_response(period=period, unit=worked.surakarta, scores={"SPKP": [2] * 8, "SPAK": [2] * 5})
    make_response(period=period, unit=worked.yogyakarta, scores={"SPKP": [4] * 8, "SPAK": [4] * 5})
    recompute_period(period.pk)
    jateng = snap(Level.KANWIL, "SPKP", kanwil=worked.jateng)
    # Pooled: (140 + 48) / (8 x 8) = 2.9375 -> 2.94, IK 73.44 (C). Unit average: (3.50 + 2.00) / 2 = 2.75.
    assert (jateng.n_counted, jateng.nrr, jateng.ik, jateng.category) == (8, Decimal("2.94"), Decimal("73.44"), "C")
    assert (jateng.unit_average_nrr, jateng.unit_average_ik) == (Decimal("2.75"), Decimal("68.75"))
    nation = snap(Level.NATION, "SPKP")
    # (140 + 48 + 32) / (9 x 8) = 3.0556 -> 3.06; unit average (3.5 + 2 + 4) / 3 = 3.1667 -> 3.17.
    assert (nation.n_counted, nation.nrr, nation.unit_average_nrr) == (9, Decimal("3.06"), Decimal("3.17"))
    assert snap(Level.KANWIL, "SPKP", kanwil=worked.diy).nrr == Decimal("4.00")


def test_per_service_snapshots_split_the_unit(worked, period):
    visits, deposits = worked.semarang.services.order_by("pk")
    make_response(period=period, unit=worked.semarang, service=deposits, scores={"SPKP": [1] * 8, "SPAK": [1] * 5})
    recompute_period(period.pk)
    assert snap(Level.UNIT, "SPKP", unit=worked.semarang, service=visits).nrr == Decimal("3.50")
    by_deposits = snap(Level.UNIT, "SPKP", unit=worked.semarang, service=deposits)
    assert (by_deposits.n_counted, by_deposits.nrr, by_deposits.category) == (1, Decimal("1.00"), "D")


def test_unit_recompute_updates_pooled_figures_from_stored_unit_sums(worked, period):
    recompute_period(period.pk)
    for _ in range(3):
        make_response(period=period, unit=worked.surakarta, scores={"SPKP": [2] * 8, "SPAK": [2] * 5})
    recompute_unit(worked.surakarta.pk, period.pk)
    assert snap(Level.KANWIL, "SPKP", kanwil=worked.jateng).nrr == Decimal("2.94")
    assert snap(Level.UNIT, "SPKP", unit=worked.semarang).nrr == Decimal("3.50")
    # And a full recompute agrees with the incremental one.
    before = {(s.level, s.unit_id, s.kanwil_id, s.version_id, s.service_id): (s.nrr, s.n_counted)
              for s in Snapshot.objects.filter(is_current=True)}
    recompute_period(period.pk)
    after = {(s.level, s.unit_id, s.kanwil_id, s.version_id, s.service_id): (s.nrr, s.n_counted)
             for s in Snapshot.objects.filter(is_current=True)}
    assert before == after


def test_unit_recompute_pools_the_nations_unit_average_from_the_kanwil_sums(worked, period):
    # Semarang 3.50 (Jateng), Yogyakarta all 4s (DIY); then Surakarta (Jateng) gets three all-2s responses.
    make_response(period=period, unit=worked.yogyakarta, scores={"SPKP": [4] * 8, "SPAK": [4] * 5})
    recompute_period(period.pk)
    for _ in range(3):
        make_response(period=period, unit=worked.surakarta, scores={"SPKP": [2] * 8, "SPAK": [2] * 5})
    recompute_unit(worked.surakarta.pk, period.pk)
    nation = snap(Level.NATION, "SPKP")
    # Unit average (3.50 + 2.00 + 4.00) / 3 = 3.1667 -> 3.17, IK (87.50 + 50 + 100) / 3 = 79.17.
    assert (nation.unit_average_nrr, nation.unit_average_ik, nation.unit_count) == (
        Decimal("3.17"), Decimal("79.17"), 3)
    assert snap(Level.KANWIL, "SPKP", kanwil=worked.jateng).unit_nrr_sum == "11/2"  # 3.50 + 2.00


def test_unit_recompute_falls_back_to_a_full_one_over_kanwil_rows_without_unit_sums(worked, period):
    make_response(period=period, unit=worked.yogyakarta, scores={"SPKP": [4] * 8, "SPAK": [4] * 5})
    recompute_period(period.pk)
    # As stored before the exact unit sums existed.
    Snapshot.objects.filter(level=Level.KANWIL).update(unit_nrr_sum="", unit_ik_sum="", unit_count=0)
    recompute_unit(worked.semarang.pk, period.pk)
    assert snap(Level.KANWIL, "SPKP", kanwil=worked.diy).unit_count == 1
    assert snap(Level.NATION, "SPKP").unit_average_nrr == Decimal("3.75")  # (3.50 + 4.00) / 2


def test_recompute_is_idempotent_and_updates_in_place_while_open(worked, period):
    recompute_period(period.pk)
    count = Snapshot.objects.count()
    recompute_period(period.pk)
    make_response(period=period, unit=worked.semarang, scores={"SPKP": [4] * 8, "SPAK": [4] * 5})
    recompute_period(period.pk)
    assert Snapshot.objects.count() == count
    assert set(Snapshot.objects.values_list("revision", flat=True)) == {1}
    assert snap(Level.UNIT, "SPKP", unit=worked.semarang).n_counted == 6


def test_a_recompute_that_changes_nothing_writes_nothing_and_keeps_computed_at(worked, period):
    from datetime import UTC, datetime

    first, later = datetime(2026, 11, 1, 8, 0, tzinfo=UTC), datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    make_response(period=period, unit=worked.yogyakarta, scores={"SPKP": [3] * 8, "SPAK": [3] * 5})
    written = recompute_period(period.pk, now=first)
    assert written == Snapshot.objects.count() > 0
    assert recompute_period(period.pk, now=later) == 0
    assert set(Snapshot.objects.values_list("computed_at", flat=True)) == {first}
    # A new response at Semarang rewrites Semarang's rows, Jawa Tengah's and the nation's, not Yogyakarta's.
    make_response(period=period, unit=worked.semarang, scores={"SPKP": [4] * 8, "SPAK": [4] * 5})
    assert recompute_period(period.pk, now=later) > 0
    changed = Snapshot.objects.filter(computed_at=later)
    assert not changed.filter(level=Level.UNIT, unit=worked.yogyakarta).exists()
    assert not changed.filter(level=Level.KANWIL, kanwil=worked.diy).exists()
    assert changed.filter(level=Level.NATION).count() == 2
    assert snap(Level.UNIT, "SPKP", unit=worked.semarang).computed_at == later
    assert snap(Level.KANWIL, "SPKP", kanwil=worked.jateng).computed_at == later
    assert snap(Level.UNIT, "SPKP", unit=worked.yogyakarta).computed_at == first


def test_empty_period_stores_nothing_rather_than_zero_indices(period, org):
    assert recompute_period(period.pk) == 0
    assert not Snapshot.objects.exists()


def test_final_snapshot_frozen_on_close_and_a_later_change_makes_a_new_revision(worked, period):
    recompute_period(period.pk)
    period.status = Period.Status.CLOSED
    period.save(update_fields=["status"])
    assert list(periods_to_freeze()) == [period]
    freeze_final_snapshots(period.pk)
    assert list(periods_to_freeze()) == []
    final = snap(Level.UNIT, "SPKP", unit=worked.semarang)
    assert (final.is_final, final.revision, final.nrr) == (True, 2, Decimal("3.50"))
    freeze_final_snapshots(period.pk)  # safe to run twice: nothing new
    assert Snapshot.objects.filter(is_final=True).count() == Snapshot.objects.filter(is_current=True).count()
    assert snap(Level.UNIT, "SPKP", unit=worked.semarang).revision == 2

    # A reviewer rejects R5 (sum 24) after the close: 116 / 32 = 3.625 -> 3.63 (half-up).
    # A new final revision; the old one is kept.
    weakest = Response.objects.filter(unit=worked.semarang).order_by("pk")[4]
    Response.objects.filter(pk=weakest.pk).update(status=Response.Status.REJECTED)
    Scoresheet.objects.filter(response=weakest).update(status=Response.Status.REJECTED)
    recompute_unit(worked.semarang.pk, period.pk)
    revisions = Snapshot.objects.filter(level=Level.UNIT, unit=worked.semarang, service=None,
                                        version__instrument__code="SPKP").order_by("revision")
    assert [(s.revision, s.is_current, s.is_final, str(s.nrr)) for s in revisions] == [
        (1, False, False, "3.50"), (2, False, True, "3.50"), (3, True, True, "3.63"),
    ]


def test_running_totals_stay_equal_to_a_group_by_through_inserts_reviews_and_deletes(worked, period):
    from django.db import connection

    from reporting.snapshots import aggregate_scoresheets

    def both():
        return (aggregate_scoresheets(period, source="totals" if connection.vendor == "postgresql"
                                      else "scoresheets"),
                aggregate_scoresheets(period, source="scoresheets"))

    visits, deposits = worked.semarang.services.order_by("pk")
    for scores in ([1] * 8, [2] * 8, [4] * 8):
        make_response(period=period, unit=worked.surakarta, service=deposits if scores[0] == 2 else visits,
                      scores={"SPKP": scores, "SPAK": scores[:5]}, flagged=scores[0] == 1)
    totals, grouped = both()
    assert totals == grouped and totals

    # A reviewer rejects one and reinstates (unflags) another; a score is corrected; a response is deleted.
    first, second, third = Response.objects.filter(unit=worked.surakarta).order_by("pk")
    Scoresheet.objects.filter(response=first).update(status=Response.Status.REJECTED)
    Scoresheet.objects.filter(response=second).update(flagged=True)
    Scoresheet.objects.filter(response=third, version__instrument__code="SPKP").update(score_3=1)
    assert both()[0] == both()[1]
    third.delete()
    totals, grouped = both()
    assert totals == grouped
    spkp = next(t for (unit, version, _s), t in totals.items()
                if unit == worked.surakarta.pk and t.n_rejected == 1)
    assert (spkp.n_counted, spkp.n_rejected) == (0, 1)


def test_snapshots_keep_exact_moments_and_the_95_interval(worked, period):
    # Worked SPKP totals t = 30, 27, 27, 32, 24: Σt 140, Σt² 3958; s_t² = (3958 − 140²/5)/4 = 9,5.
    # b = 75/(8·3) = 3,125 → s = 3,125·√9,5 = 9,631897; SE = s/√5 · √(1 − 5/200) = 4,253328 (N = 2 × 100);
    # t(0,975; 4) = 2,776 → ± 11,81, interval 75,69–99,31: B, and A or C.
    recompute_period(period.pk)
    s = snap(Level.UNIT, "SPKP", unit=worked.semarang)
    assert (s.score_total, s.score_squares, s.ik_population) == (140, 3958, 200)
    assert (s.ik_se, s.ik_margin_95, s.ik_low_95, s.ik_high_95) == (
        Decimal("4.2533"), Decimal("11.81"), Decimal("75.69"), Decimal("99.31"))
    assert s.ik_categories_95 == "B,A,C"
    # One more unit in the Kanwil, recomputed alone: the Kanwil pools the exact sums of both.
    for _ in range(2):
        make_response(period=period, unit=worked.surakarta, scores={"SPKP": [4] * 8, "SPAK": [4] * 5})
    recompute_unit(worked.surakarta.pk, period.pk)
    jateng = snap(Level.KANWIL, "SPKP", kanwil=worked.jateng)
    assert (jateng.n_counted, jateng.score_total, jateng.score_squares) == (7, 204, 3958 + 2 * 1024)
    # Surakarta has no target, so the Kanwil's population is unknown: no FPC.
    assert jateng.ik_population is None
    # Surakarta: identical answers, zero spread, a margin of 0 and only its own category.
    sura = snap(Level.UNIT, "SPKP", unit=worked.surakarta)
    assert (sura.ik_margin_95, sura.ik_categories_95) == (Decimal("0.00"), "A")


def test_single_response_and_empty_scope_have_no_interval(org, period):
    make_response(period=period, unit=org.semarang, scores={"SPKP": [4] * 8, "SPAK": [4] * 5})
    recompute_period(period.pk)
    s = snap(Level.UNIT, "SPKP", unit=org.semarang)
    assert (s.ik, s.ik_margin_95, s.ik_se, s.ik_categories_95) == (Decimal("100.00"), None, None, "")
