"""Bad settings stop the start with a clear message instead of silently falling back."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start_with(**env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "spakspkp.settings", **env}
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
