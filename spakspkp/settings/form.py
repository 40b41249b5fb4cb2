"""The public respondent form and response validity: token lifetime, device cookie, rate limits, flag rules."""
from django.core.exceptions import ImproperlyConfigured

from .base import CACHES, DATABASES
from .env import env_bool, env_float, env_int, env_str

# Rate limits are "COUNT/SECONDS", counted per access point and per device (never per IP: carrier NAT).
FORM_TOKEN_MAX_AGE = env_int("FORM_TOKEN_MAX_AGE", 2 * 3600, minimum=60)
FORM_DEVICE_COOKIE_AGE = env_int("FORM_DEVICE_COOKIE_AGE", 400 * 24 * 3600, minimum=0)
FORM_RATE_LIMIT_ACCESS_POINT = env_str("FORM_RATE_LIMIT_ACCESS_POINT", "60/600")
FORM_RATE_LIMIT_DEVICE = env_str("FORM_RATE_LIMIT_DEVICE", "5/3600")


def _rate_limit_storage() -> str:
    """Where the counters live (`limits` storage URL, e.g. redis://host:6379/1): by default the Redis of a
    plain redis:// CACHE_URL, shared by every web process; with no CACHE_URL this process's memory (the
    embedded mode's single process). Any other cache (a socket, TLS options, several hosts, memcached) must
    name the storage itself: per-process counters would silently multiply every limit by the worker count."""
    if url := env_str("FORM_RATE_LIMIT_STORAGE_URL"):
        return url
    cache = CACHES["default"]
    location = cache.get("LOCATION")
    if cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
        return "memory://"
    if (cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache" and not cache.get("OPTIONS")
            and isinstance(location, str) and location.startswith(("redis://", "rediss://"))):
        return location
    raise ImproperlyConfigured("Set FORM_RATE_LIMIT_STORAGE_URL (e.g. redis://host:6379/1): the rate-limit "
                               "counters cannot be derived from this CACHE_URL.")


FORM_RATE_LIMIT_STORAGE_URL = _rate_limit_storage()
FORM_KIOSK_REFRESH_SECONDS = env_int("FORM_KIOSK_REFRESH_SECONDS", 8, minimum=1)
# Seconds a worker keeps a form's definition (questions, services, extra items); openness is always fresh.
FORM_DEFINITION_CACHE_SECONDS = env_int("FORM_DEFINITION_CACHE_SECONDS", 60, minimum=0)
# The form's fixed statements run prepared on PostgreSQL (responses/statements.py); false behind a
# transaction-mode pooler (PgBouncer) that cannot keep prepared statements. psycopg prepares nothing while
# the connection's threshold is None (Django's default); Django's own cursors bind on the client side and
# are never prepared whatever the threshold, so only those statements are.
FORM_PREPARED_STATEMENTS = env_bool("FORM_PREPARED_STATEMENTS", True)
if FORM_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)

# --- Response validity: flag thresholds (methodology, "Validity"). The minimum plausible time per item is on
# each InstrumentVersion; these are the other thresholds.
VALIDITY_STRAIGHT_LINING_TIME_FACTOR = env_float("VALIDITY_STRAIGHT_LINING_TIME_FACTOR", 0.5, minimum=0)
VALIDITY_REPEAT_DEVICE_HOURS = env_int("VALIDITY_REPEAT_DEVICE_HOURS", 24, minimum=0)
VALIDITY_BURST_MAX_IDENTICAL = env_int("VALIDITY_BURST_MAX_IDENTICAL", 5, minimum=1)  # a burst is more than this
VALIDITY_BURST_WINDOW_MINUTES = env_int("VALIDITY_BURST_WINDOW_MINUTES", 10, minimum=1)
VALIDITY_BURST_SCAN_HOURS = env_int("VALIDITY_BURST_SCAN_HOURS", 3, minimum=1)
VALIDITY_SERVICE_HOURS_GRACE_MINUTES = env_int("VALIDITY_SERVICE_HOURS_GRACE_MINUTES", 30, minimum=0)
