"""Bad settings stop the start with a clear message instead of silently falling back."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start_with(**env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "spakspkp.settings", **env}
    environment = {name: value for name, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("DATABASE_URL", "localhost:5432", "DATABASE_URL must be postgres://"),
        ("CELERY_BROKER_URL", "127.0.0.1:6379", "CELERY_BROKER_URL must be a redis://"),
        ("SECURE_SSL_REDIRECT", "yess", "SECURE_SSL_REDIRECT='yess' is not a boolean"),
        # Per-process counters behind a shared cache would multiply every rate limit by the worker count.
        ("CACHE_URL", "memcache://127.0.0.1:11211", "Set FORM_RATE_LIMIT_STORAGE_URL"),
        ("FORM_RATE_LIMIT_STORAGE_URL", "nosuch://127.0.0.1", "FORM_RATE_LIMIT_STORAGE_URL: unknown storage scheme"),
        ("FORM_PREPARED_STATEMENTS", "ture", "FORM_PREPARED_STATEMENTS='ture' is not a boolean"),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "yep", "SECURE_HSTS_INCLUDE_SUBDOMAINS='yep' is not a boolean"),
        ("SECURE_HSTS_PRELOAD", "nope", "SECURE_HSTS_PRELOAD='nope' is not a boolean"),
        ("SESSION_COOKIE_SECURE", "2", "SESSION_COOKIE_SECURE='2' is not a boolean"),
        ("CSRF_COOKIE_SECURE", "y", "CSRF_COOKIE_SECURE='y' is not a boolean"),
        ("EMBEDDED_TASKS", "maybe", "EMBEDDED_TASKS='maybe' is not a boolean"),
        ("SECURE_HSTS_SECONDS", "one year", "SECURE_HSTS_SECONDS='one year' is not a whole number"),
        ("FORM_TOKEN_MAX_AGE", "2h", "FORM_TOKEN_MAX_AGE='2h' is not a whole number"),
        ("RECOMPUTE_DEBOUNCE_SECONDS", "0", "RECOMPUTE_DEBOUNCE_SECONDS='0' must be at least 1"),
        ("AXES_COOLOFF_HOURS", "quarter", "AXES_COOLOFF_HOURS='quarter' is not a number"),
        ("API_RATE_LIMIT_TOKEN", "600 per minute", "API_RATE_LIMIT_TOKEN='600 per minute': use COUNT/SECONDS"),
        ("API_RATE_LIMIT_ADDRESS", "0/60", "API_RATE_LIMIT_ADDRESS='0/60': use COUNT/SECONDS"),
    ],
)
def test_malformed_setting_fails_at_start(name, value, message):
    result = start_with(**{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_well_formed_settings_start():
    result = start_with(DEBUG="false", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("cache_url", "storage"),
    [("rediscache://127.0.0.1:6379/1", "redis://127.0.0.1:6379/1"), (None, "memory://")],
)
def test_rate_limit_counters_follow_a_redis_cache_or_stay_in_memory(cache_url, storage):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "spakspkp.settings"}
    env.pop("CACHE_URL", None)
    env.pop("FORM_RATE_LIMIT_STORAGE_URL", None)
    if cache_url:
        env["CACHE_URL"] = cache_url
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.conf import settings; print(settings.FORM_RATE_LIMIT_STORAGE_URL)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == storage


def test_production_start_without_secret_key_is_refused():
    result = start_with(DEBUG="false", SECRET_KEY=None)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY is not set" in result.stderr


def test_every_environment_variable_the_settings_read_is_documented_in_the_readme():
    import re

    source = "\n".join(path.read_text() for path in (ROOT / "spakspkp" / "settings").glob("*.py"))
    names = set(re.findall(r"env_(?:str|bool|int|float|list)\(\s*\"([A-Z_]+)\"", source))
    assert {"SECRET_KEY", "DEBUG", "DATABASE_URL", "FORM_PREPARED_STATEMENTS"} <= names  # the pattern finds them
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)`", readme, flags=re.MULTILINE))
    documented |= {n for row in re.findall(r"^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|", readme, flags=re.MULTILINE)
                   for n in re.findall(r"`([A-Z_]+)`", row)}
    assert names - documented == set()


def test_a_hung_redis_cache_answers_within_the_dependency_timeout():
    from tests import brokers

    with brokers.HungBroker() as hung:
        port = hung.url.split(":")[2].split("/")[0]
        result = subprocess.run(
            [sys.executable, "-c", (
                "import time, django; django.setup(); from django.core.cache import cache\n"
                "started = time.monotonic()\n"
                "try:\n    cache.get('k')\nexcept Exception as exc:\n    print(type(exc).__name__)\n"
                "print(round(time.monotonic() - started, 2))")],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "spakspkp.settings",
                 "CACHE_URL": f"rediscache://127.0.0.1:{port}/1", "DEPENDENCY_TIMEOUT_SECONDS": "0.5"},
        )
    assert result.returncode == 0, result.stderr
    error, elapsed = result.stdout.split()
    assert error == "TimeoutError" and float(elapsed) < 1.5
