"""Responses per day: every day of the period so far (zeros included), the running total and the pace needed."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from reporting.participation import Day, daily_series, days_left, needed_path, pace_needed
from reporting.selectors import unit_participation
from tests.factories import make_period, make_target

from .conftest import make_response

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_days_without_responses_are_in_the_series_as_zero():
    counts = {date(2026, 10, 1): 3, date(2026, 10, 3): 2}
    assert daily_series(counts, starts_on=date(2026, 10, 1), until=date(2026, 10, 4)) == [
        Day(date(2026, 10, 1), 3, 3), Day(date(2026, 10, 2), 0, 3), Day(date(2026, 10, 3), 2, 5),
        Day(date(2026, 10, 4), 0, 5),
    ]


@pytest.mark.parametrize(("target", "counted", "today", "pace"), [
    # 160 to go over 2–31 December (30 days, today included): 160/30 = 5.33 → at least 6 a day.
    (867, 707, date(2026, 12, 2), 6),
    # 90 to go over 30 days: exactly 3 a day.
    (100, 10, date(2026, 12, 2), 3),
    # The last day: everything left is needed today.
    (100, 93, date(2026, 12, 31), 7),
    # Target met or passed: nothing more is needed.
    (100, 100, date(2026, 12, 2), 0),
    (100, 130, date(2026, 12, 2), 0),
    # After the closing date, or with no target, there is no pace to give.
    (100, 10, date(2027, 1, 1), None),
    (0, 10, date(2026, 12, 2), None),
])
def test_pace_needed_to_reach_the_target_by_the_closing_date(target, counted, today, pace):
    assert pace_needed(target=target, counted=counted, today=today, ends_on=date(2026, 12, 31)) == pace


def test_needed_path_reaches_the_target_on_the_closing_day():
    path = needed_path(target=100, counted=10, today=date(2026, 12, 29), ends_on=date(2026, 12, 31))
    assert path == [(date(2026, 12, 29), 40), (date(2026, 12, 30), 70), (date(2026, 12, 31), 100)]
    assert days_left(today=date(2026, 12, 29), ends_on=date(2026, 12, 31)) == 3


@pytest.fixture
def october(org):
    """Lapas Semarang, 1–31 October, target 80 + 80 = 160 (two services of population 100): 2 responses on
    the 1st, none on the 2nd, 3 on the 3rd; today is the 4th."""
    period = make_period(name="Oktober 2026", starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 31))
    for service in org.semarang.services.all():
        make_target(period, service, population=100)
    scores = {"SPKP": [4] * 8, "SPAK": [4] * 5}
    for day, hours in ((1, (9, 10)), (3, (8, 9, 23))):
        for hour in hours:  # 23:00 on the 3rd in Jakarta is 16:00 UTC: still the 3rd
            make_response(period=period, unit=org.semarang, scores=scores,
                          created_at=datetime(2026, 10, day, hour, tzinfo=JAKARTA))
    return period


@pytest.mark.django_db
def test_unit_series_counts_local_days_and_gives_the_pace(org, october):
    data = unit_participation(org.semarang, october, today=date(2026, 10, 4))
    target = data["target"]
    assert [(d.day.day, d.n, d.cumulative) for d in data["days"]] == [(1, 2, 2), (2, 0, 2), (3, 3, 5), (4, 0, 5)]
    # (target − 5) left over 4–31 October (28 days), rounded up.
    assert data["days_left"] == 28 and data["remaining"] == target - 5
    assert data["pace"] == -(-(target - 5) // 28)
    chart = data["days_chart"]
    assert len(chart["labels"]) == 31  # the whole period, so the needed line runs to the closing date
    assert chart["daily"][:4] == [2, 0, 3, 0] and chart["daily"][4] is None
    assert chart["cumulative"][:4] == [2, 2, 5, 5]
    assert chart["needed"][:3] == [None] * 3 and chart["needed"][-1] == target
    assert chart["target"] == target


@pytest.mark.django_db
def test_dashboard_lists_the_zero_day_and_the_pace_without_javascript(org, october, login, settings, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 10, 4))
    url = reverse("dashboard_unit", kwargs={"code": org.semarang.code}) + f"?periode={october.pk}"
    html = login(org.officer_semarang).get(url).content.decode()
    table = html[html.index('id="days-table"'):html.index("</table>", html.index('id="days-table"'))]
    assert '<tr data-day="2026-10-02" class="table-warning"><td>Jum, 2 Okt 2026</td>' in table
    assert table.count("<tr data-day=") == 4
    pace = html[html.index('data-figure="pace"'):html.index("</p>", html.index('data-figure="pace"'))]
    target = unit_participation(org.semarang, october, today=date(2026, 10, 4))["target"]
    assert f'<strong class="figure-number">{-(-(target - 5) // 28)}</strong>' in pace
    assert f"kurang {target - 5} jawaban dalam 28 hari" in pace
