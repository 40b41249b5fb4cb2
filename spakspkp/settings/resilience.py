"""Bounded waits on every dependency, and jobs that recover in minutes (docs/resilience.md).

Imported after jobs.py and form.py: it adds timeouts to their broker and cache settings.
"""
from .base import CACHES
from .env import env_float, env_int
from .jobs import CELERY_BEAT_SCHEDULE, CELERY_IMPORTS, CELERY_TASK_TIME_LIMIT

# Seconds a web request waits on the broker or the cache (connect and each reply) before it degrades:
# the response is stored anyway, a task is recorded as waiting, /healthz answers 503 "timeout".
DEPENDENCY_TIMEOUT_SECONDS = env_float("DEPENDENCY_TIMEOUT_SECONDS", 0.8, minimum=0.05)

CELERY_BROKER_CONNECTION_TIMEOUT = DEPENDENCY_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY = False
# A message the worker took and did not acknowledge (it died) comes back after this: sized to the longest
# task (the hard time limit) plus a minute, instead of an hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    "socket_timeout": DEPENDENCY_TIMEOUT_SECONDS,
    "socket_connect_timeout": DEPENDENCY_TIMEOUT_SECONDS,
}

if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_timeout=DEPENDENCY_TIMEOUT_SECONDS, socket_connect_timeout=DEPENDENCY_TIMEOUT_SECONDS)

# An export whose worker stopped reporting progress for this long is requeued (once) or failed.
EXPORT_STALE_SECONDS = env_int("EXPORT_STALE_SECONDS", 5 * 60, minimum=30)
EXPORT_MAX_ATTEMPTS = env_int("EXPORT_MAX_ATTEMPTS", 2, minimum=1)
# How often the recovery job runs (waiting exports are published, stale ones requeued).
RECOVERY_INTERVAL_SECONDS = env_float("RECOVERY_INTERVAL_SECONDS", 60, minimum=5)

CELERY_IMPORTS = [*CELERY_IMPORTS, "reporting.exports.recovery", "reporting.outbox"]
CELERY_BEAT_SCHEDULE["reporting-recover-exports"] = {
    "task": "reporting.exports.recover_exports",
    "schedule": RECOVERY_INTERVAL_SECONDS,
    "options": {"expires": RECOVERY_INTERVAL_SECONDS},
}

# How often the durable recompute requests (responses.RecomputeRequest) are drained: the most the indices
# lag behind after a broker outage ends.
RECOMPUTE_OUTBOX_SECONDS = env_float("RECOMPUTE_OUTBOX_SECONDS", 30, minimum=5)
CELERY_BEAT_SCHEDULE["reporting-drain-recompute-requests"] = {
    "task": "reporting.drain_recompute_requests",
    "schedule": RECOMPUTE_OUTBOX_SECONDS,
    "options": {"expires": RECOMPUTE_OUTBOX_SECONDS},
}
