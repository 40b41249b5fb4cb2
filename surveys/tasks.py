"""Celery entry points of surveys: the scheduled opening and closing of periods by their dates."""
from celery import shared_task

from .audit import system_actor
from .services import advance_periods


@shared_task(name="surveys.advance_periods", time_limit=15 * 60, soft_time_limit=15 * 60 - 30, acks_late=True)
def advance_periods_task() -> dict[str, list[str]]:
    """Beat job: opens and closes periods at their dates, acting as the system; idempotent."""
    return advance_periods(acting_user=system_actor())
