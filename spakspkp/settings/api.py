"""The read-only open-data API (/api/v1/, reporting.api): request limits per token and per address."""
import re

from django.core.exceptions import ImproperlyConfigured

from .env import env_str


def _limit(name: str, default: str) -> str:
    """COUNT/SECONDS, both positive (e.g. 600/60)."""
    value = env_str(name, default)
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
    if not match or int(match[1]) < 1 or int(match[2]) < 1:
        raise ImproperlyConfigured(f"{name}={value!r}: use COUNT/SECONDS with positive numbers, e.g. {default}.")
    return value


# Counted with the `limits` library in FORM_RATE_LIMIT_STORAGE_URL (the same counters store as the form's).
API_RATE_LIMIT_TOKEN = _limit("API_RATE_LIMIT_TOKEN", "600/60")
API_RATE_LIMIT_ADDRESS = _limit("API_RATE_LIMIT_ADDRESS", "120/60")
