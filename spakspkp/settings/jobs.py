"""Celery: the broker, time limits, and every periodic job in one schedule."""
from django.core.exceptions import ImproperlyConfigured

from .base import TIME_ZONE
from .env import env_bool, env_float, env_int, env_str
from .periods import PERIOD_SCHEDULE_SECONDS

# Redis broker in production; without CELERY_BROKER_URL tasks run in-process (embedded mode).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://")):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be a redis:// (or amqp://) URL, or unset for embedded mode.")
# EMBEDDED_TASKS=true runs tasks in-process even with a broker configured (a one-off shell, a test).
_embedded_tasks = env_bool("EMBEDDED_TASKS", False)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or _embedded_tasks
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60, minimum=120)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# Must outlast the longest task so that an acked-late task is not redelivered while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_IMPORTS = ["reporting.exports.tasks", "surveys.tasks"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Every periodic job, in one place. Beat runs them in production; `manage.py run_scheduler` (started by
# `make run`) runs the same entries in the embedded mode, without a broker (docs/operations.md).
CELERY_BEAT_SCHEDULE = {
    "surveys-advance-periods": {
        "task": "surveys.advance_periods",
        "schedule": float(PERIOD_SCHEDULE_SECONDS),
    },
    "detect-bursts": {
        "task": "responses.tasks.detect_bursts",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    "detect-windows": {
        "task": "responses.tasks.detect_windows",
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
    "delete-expired-exports": {
        "task": "reporting.exports.delete_expired_exports",
        "schedule": 3600.0,
    },
    "reporting-recompute-open-periods": {
        "task": "reporting.recompute_open_periods",
        "schedule": env_float("RECOMPUTE_OPEN_PERIODS_SECONDS", 15 * 60, minimum=10),
    },
    # A safety net: closing freezes and publishes at once; this catches a close whose freeze failed.
    "reporting-freeze-closed-periods": {"task": "reporting.freeze_closed_periods", "schedule": 30 * 60.0},
    "responses-apply-retention": {"task": "responses.tasks.apply_retention", "schedule": 24 * 3600.0},
}
