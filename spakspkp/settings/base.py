"""Core settings: apps, middleware, database, cache, auth, language, files, logging and the app wiring."""
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment. Only with DEBUG on (the embedded demo of `make run`) is one generated
    once into the git-ignored `.secret_key`; a production start without it is refused."""
    if key := env_str("SECRET_KEY"):
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is not set. Set it to 50 or more random characters (DEBUG is off).")
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address used in QR codes and posters (e.g. https://survei.kemenimipas.go.id).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL")

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "auditlog",
    "django_celery_beat",
    "surveys",
    "responses",
    "reporting",
]

# spakspkp.public_path.*: the staff-only middleware, passed over for a respondent's form POST (anonymous:
# no session, user, second factor, message, audit actor or login to watch). See that module.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "surveys.resilience.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "spakspkp.public_path.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "spakspkp.public_path.AuthenticationMiddleware",
    "spakspkp.public_path.OTPMiddleware",
    "spakspkp.public_path.SecondFactorMiddleware",
    "spakspkp.public_path.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "spakspkp.public_path.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "spakspkp.headers.ResponseHeadersMiddleware",
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
_database_url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if not _database_url.startswith(("postgres://", "postgresql://", "sqlite://")):
    raise ImproperlyConfigured("DATABASE_URL must be postgres://user:password@host:port/name (or sqlite:///path).")
DATABASES = {"default": env.db_url_config(_database_url)}
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("CONN_MAX_AGE", 60, minimum=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # Tests on SQLite use a file, as the embedded mode does: an in-memory database shared between threads
    # fails concurrent writes at once ("table is locked") instead of waiting for the lock.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, debouncing of index recomputes): Redis when configured, local memory otherwise.
CACHES = {"default": env.cache_url_config(env_str("CACHE_URL", "locmemcache://spakspkp"))}

# --- Auth and sessions (lockout settings are in security.py)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
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
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
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
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "files")))
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

SILENCED_SYSTEM_CHECKS = [
    # SQLite (embedded demo mode only) cannot enforce NULLS NOT DISTINCT; PostgreSQL does.
    "models.W047",
]

# --- Wiring between apps. Data flows surveys <- responses <- reporting; an app may not import the apps to
# its right, so what it must tell them goes through these dotted paths, called after commit:
# "a response was stored / a review changed what counts" (unit_id, period_id) and "a period was closed"
# (period_id: freezes and publishes the final snapshots at once).
RECOMPUTE_HOOK = env_str("RECOMPUTE_HOOK", "reporting.tasks.queue_unit_recompute")
PERIOD_CLOSED_HOOK = env_str("PERIOD_CLOSED_HOOK", "reporting.tasks.publish_closed_period")
# Panels another app adds to a unit's staff pages (called with unit= and request=, returns HTML).
UNIT_PANELS_HOOK = "reporting.followups.panels.unit_panels"
# The targets by precision a unit's targets page shows beside the Krejcie–Morgan target (unit=, period=,
# request=; returns HTML): the spread of the answers is reporting's.
TARGET_PRECISION_HOOK = "reporting.precision.unit_precision_panel"
