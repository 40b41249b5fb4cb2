"""Celery entry points for response validity: the periodic burst scan and the window job."""
from celery import shared_task

from . import bursts, windows


@shared_task(name="responses.tasks.detect_bursts", acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def detect_bursts() -> int:
    """Flags bursts of identical answers among recent responses; idempotent, so overlapping runs are harmless."""
    return len(bursts.detect_recent_bursts())


@shared_task(name="responses.tasks.detect_windows", acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def detect_windows() -> int:
    """Records improbable windows (volume, kiosk cadence, refusals) among recent hours; idempotent."""
    return len(windows.detect_windows())
