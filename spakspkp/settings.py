"""Settings, read from the environment (django-environ); embedded defaults let `make run` work bare."""
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# django-environ reads any unknown string as False; a typo in a boolean must stop the start instead.
for _flag in ("DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "EMBEDDED_TASKS"):
    _raw = env.str(_flag, default="")
    if _raw and _raw.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
        raise ImproperlyConfigured(f"{_flag}={_raw!r} is not a boolean (use true or false).")
DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; for the embedded demo, generated once into a git-ignored file."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address used in QR codes and posters (e.g. https://survei.kemenimipas.go.id).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "auditlog",
    "django_celery_beat",
    "surveys",
    "responses",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spakspkp.urls"
WSGI_APPLICATION = "spakspkp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "surveys.context_processors.staff_scope",
            ],
        },
    },
]

# --- Database: PostgreSQL via DATABASE_URL (psycopg 3); embedded SQLite file without it.
_database_url = env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if not _database_url.startswith(("postgres://", "postgresql://", "sqlite://")):
    raise ImproperlyConfigured("DATABASE_URL must be postgres://user:password@host:port/name (or sqlite:///path).")
DATABASES = {"default": environ.Env.db_url_config(_database_url)}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, debouncing of index recomputes): Redis when configured, local memory otherwise.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://spakspkp")}

# --- Auth, lockout (django-axes), sessions
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# --- Language and time
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static files (whitenoise, vendored Bootstrap and Chart.js; no CDN)
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded and generated files (exports, follow-up evidence): outside the web root, served by views
# that check scope, never by the web server.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "files")
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery: Redis broker in production; without CELERY_BROKER_URL tasks run in-process (embedded mode).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://")):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be a redis:// (or amqp://) URL, or unset for embedded mode.")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or env.bool("EMBEDDED_TASKS", default=False)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# Must outlast the longest task so that an acked-late task is not redelivered while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {}

# --- Security headers; production-safe when DEBUG is off.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap progress bars and Chart.js sizing set style attributes; no inline <style> or <script>.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

SILENCED_SYSTEM_CHECKS = [
    # Lockout is per username on purpose: staff of one office share one NAT address, and locking an
    # address would lock a whole Kanwil out (README, "Security").
    "axes.W006",
    # SQLite (embedded demo mode only) cannot enforce NULLS NOT DISTINCT; PostgreSQL does.
    "models.W047",
]

# --- Wiring between apps. Data flows surveys <- responses <- reporting; responses may not import
# reporting, so "a response was stored / a review changed what counts" reaches the index engine through
# this dotted path, called after commit with keyword arguments unit_id and period_id.
RECOMPUTE_HOOK = env.str("RECOMPUTE_HOOK", default="reporting.tasks.queue_unit_recompute")

# --- Follow-up (Monitoring dan Inventarisasi Masalah, reporting.followups): evidence limits and defaults.
# Evidence is stored under MEDIA_ROOT (outside the web root) and checked by content signature, not by name.
FOLLOWUP_EVIDENCE_MAX_BYTES = env.int("FOLLOWUP_EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024)
FOLLOWUP_EVIDENCE_TYPES = ("pdf", "jpg", "png")
# Zona Integritas target NRR on a 1–4 scale when no FollowUpTarget row is set (mapped onto other scales).
FOLLOWUP_DEFAULT_TARGET_NRR = env.str("FOLLOWUP_DEFAULT_TARGET_NRR", default="3.60")
try:
    if not 1 <= float(FOLLOWUP_DEFAULT_TARGET_NRR) <= 4:
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        f"FOLLOWUP_DEFAULT_TARGET_NRR={FOLLOWUP_DEFAULT_TARGET_NRR!r} is not an NRR on the 1–4 scale."
    ) from None
FOLLOWUP_WEAKEST_COUNT = env.int("FOLLOWUP_WEAKEST_COUNT", default=3)

# --- Surveys: periods and access points (issue #4). Who may open and close survey periods: "pusat" always;
# add "kanwil" to let Kanwil staff do it too (periods are national per programme).
PERIOD_MANAGERS = env.list("PERIOD_MANAGERS", default=["pusat"])
if set(PERIOD_MANAGERS) - {"pusat", "kanwil"}:
    raise ImproperlyConfigured(f"PERIOD_MANAGERS={PERIOD_MANAGERS!r}: use pusat and/or kanwil.")
# Optional dotted path called after commit with period_id=... when a period is closed (e.g. to freeze the
# final snapshot at once instead of waiting for reporting's beat job). Empty: nothing is called.
PERIOD_CLOSED_HOOK = env.str("PERIOD_CLOSED_HOOK", default="")

# --- Response validity: flag thresholds (METHODOLOGY section 6), burst job, audit (helper "validity").
# The minimum plausible time per item is on each InstrumentVersion; these are the other thresholds.
VALIDITY_STRAIGHT_LINING_TIME_FACTOR = env.float("VALIDITY_STRAIGHT_LINING_TIME_FACTOR", default=2.0)
VALIDITY_REPEAT_DEVICE_HOURS = env.int("VALIDITY_REPEAT_DEVICE_HOURS", default=24)
VALIDITY_BURST_MAX_IDENTICAL = env.int("VALIDITY_BURST_MAX_IDENTICAL", default=5)  # a burst is more than this
VALIDITY_BURST_WINDOW_MINUTES = env.int("VALIDITY_BURST_WINDOW_MINUTES", default=10)
VALIDITY_BURST_SCAN_HOURS = env.int("VALIDITY_BURST_SCAN_HOURS", default=3)
VALIDITY_SERVICE_HOURS_GRACE_MINUTES = env.int("VALIDITY_SERVICE_HOURS_GRACE_MINUTES", default=30)
# Audit trail rows name related records ("Lapas Kelas I Semarang") rather than their ids.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
CELERY_BEAT_SCHEDULE["detect-bursts"] = {
    "task": "responses.tasks.detect_bursts",
    "schedule": 5 * 60.0,
    "options": {"expires": 4 * 60},
}

# --- Exports (reporting.exports): background Excel/CSV builds, files kept for a while then deleted by beat.
CELERY_IMPORTS = [*globals().get("CELERY_IMPORTS", []), "reporting.exports.tasks"]
EXPORT_FILE_TTL_HOURS = env.int("EXPORT_FILE_TTL_HOURS", default=24)
CELERY_BEAT_SCHEDULE["delete-expired-exports"] = {
    "task": "reporting.exports.delete_expired_exports",
    "schedule": 3600.0,
}

# --- Indices engine and dashboards (reporting: snapshots, Celery jobs). Seconds a burst of responses at one
# unit waits before its single recompute; the beat jobs recompute open periods and freeze closed ones.
RECOMPUTE_DEBOUNCE_SECONDS = env.int("RECOMPUTE_DEBOUNCE_SECONDS", default=10)
CELERY_BEAT_SCHEDULE.update({
    "reporting-recompute-open-periods": {
        "task": "reporting.recompute_open_periods",
        "schedule": env.float("RECOMPUTE_OPEN_PERIODS_SECONDS", default=15 * 60),
    },
    "reporting-freeze-closed-periods": {"task": "reporting.freeze_closed_periods", "schedule": 30 * 60.0},
})

# --- Public respondent form (responses app): token lifetime, device cookie, rate limits, kiosk.
# Rate limits are "COUNT/SECONDS", counted per access point and per device (never per IP: carrier NAT).
FORM_TOKEN_MAX_AGE = env.int("FORM_TOKEN_MAX_AGE", default=2 * 3600)
FORM_DEVICE_COOKIE_AGE = env.int("FORM_DEVICE_COOKIE_AGE", default=400 * 24 * 3600)
FORM_RATE_LIMIT_ACCESS_POINT = env.str("FORM_RATE_LIMIT_ACCESS_POINT", default="60/600")
FORM_RATE_LIMIT_DEVICE = env.str("FORM_RATE_LIMIT_DEVICE", default="5/3600")
# Where the counters live (`limits` storage URL, e.g. redis://host:6379/1): by default the Redis of a
# plain redis:// CACHE_URL, shared by every web process; with no CACHE_URL this process's memory (the
# embedded mode's single process). Any other cache (a socket, TLS options, several hosts, memcached) must
# name the storage itself: per-process counters would silently multiply every limit by the worker count.
_cache_location = CACHES["default"].get("LOCATION")
FORM_RATE_LIMIT_STORAGE_URL = env.str("FORM_RATE_LIMIT_STORAGE_URL", default="")
if FORM_RATE_LIMIT_STORAGE_URL:
    pass
elif CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    FORM_RATE_LIMIT_STORAGE_URL = "memory://"
elif (CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache" and not CACHES["default"].get(
        "OPTIONS") and isinstance(_cache_location, str) and _cache_location.startswith(("redis://", "rediss://"))):
    FORM_RATE_LIMIT_STORAGE_URL = _cache_location
else:
    raise ImproperlyConfigured("Set FORM_RATE_LIMIT_STORAGE_URL (e.g. redis://host:6379/1): the rate-limit "
                               "counters cannot be derived from this CACHE_URL.")
FORM_KIOSK_REFRESH_SECONDS = env.int("FORM_KIOSK_REFRESH_SECONDS", default=8)
# Seconds a worker keeps a form's definition (questions, services, extra items); openness is always fresh.
FORM_DEFINITION_CACHE_SECONDS = env.int("FORM_DEFINITION_CACHE_SECONDS", default=60)
# The form's fixed statements run prepared on PostgreSQL (responses/statements.py); false behind a
# transaction-mode pooler (PgBouncer) that cannot keep prepared statements. psycopg prepares nothing while
# the connection's threshold is None (Django's default); Django's own cursors bind on the client side and
# are never prepared whatever the threshold, so only those statements are.
FORM_PREPARED_STATEMENTS = env.bool("FORM_PREPARED_STATEMENTS", default=True)
if FORM_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
