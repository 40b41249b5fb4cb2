"""Participation over time, pure (no Django): every day of a period so far, the running total, the pace needed.

Terms, defined once:
- daily series: one row per calendar day from the period's first day to today (or its last day), days with no
  response included as 0, so a broken kiosk or a lost poster shows as a gap rather than disappearing;
- pace needed: the whole number of counted responses a day that, from today to the closing date (both
  included), brings the count up to the target: ceil((target − counted) ÷ days left).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction


@dataclass(frozen=True)
class Day:
    day: date
    n: int
    cumulative: int


def daily_series(counts: Mapping[date, int], *, starts_on: date, until: date) -> list[Day]:
    """Every day from `starts_on` to `until` inclusive with its count (0 when absent) and running total."""
    days, total = [], 0
    for offset in range((until - starts_on).days + 1):
        day = starts_on + timedelta(days=offset)
        n = counts.get(day, 0)
        total += n
        days.append(Day(day, n, total))
    return days


def days_left(*, today: date, ends_on: date) -> int:
    """Days from today to the closing date, both included (0 once the period has ended)."""
    return max((ends_on - today).days + 1, 0)


def pace_needed(*, target: int, counted: int, today: date, ends_on: date) -> int | None:
    """Responses a day needed from today to reach the target by the closing date; 0 when the target is met;
    None when there is no target or no day left."""
    remaining = target - counted
    left = days_left(today=today, ends_on=ends_on)
    if target <= 0 or left == 0:
        return None
    if remaining <= 0:
        return 0
    return math.ceil(Fraction(remaining, left))


def needed_path(*, target: int, counted: int, today: date, ends_on: date) -> list[tuple[date, Fraction]]:
    """The cumulative count needed at the end of each day from today to the closing date for an even pace
    that reaches the target on the last day (empty when there is nothing left to reach)."""
    left = days_left(today=today, ends_on=ends_on)
    remaining = target - counted
    if target <= 0 or left == 0 or remaining <= 0:
        return []
    return [(today + timedelta(days=k), counted + Fraction(remaining * (k + 1), left)) for k in range(left)]
