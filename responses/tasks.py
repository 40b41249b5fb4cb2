"""Celery entry points for responses: the periodic burst scan, the window job and the retention job."""
from celery import shared_task

from . import bursts, retention, windows


@shared_task(name="responses.tasks.detect_bursts", acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def detect_bursts() -> int:
    """Flags bursts of identical answers among recent responses; idempotent, so overlapping runs are harmless."""
    return len(bursts.detect_recent_bursts())


@shared_task(name="responses.tasks.apply_retention", acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def apply_retention() -> int:
    """Deletes free text and coarsens times of periods closed longer than the retention time; idempotent."""
    return sum(retention.apply_retention().values())


@shared_task(name="responses.tasks.detect_windows", acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def detect_windows() -> int:
    """Records improbable windows (volume, kiosk cadence, refusals) among recent hours; idempotent."""
    return len(windows.detect_windows())
