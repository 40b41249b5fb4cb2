"""The anonymous device id: a random first-party cookie, stored only as a hash salted per period.

The id lets the validity rules see "the same phone answered this unit again within 24 h" without
identifying anyone: the salt is derived from SECRET_KEY and the period, so hashes of one period cannot
be linked to another period's. The raw user agent is read only to pick a coarse device class.
"""
import hashlib
import re
import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import DeviceClass

COOKIE_NAME = "spkp_perangkat"
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_TABLET = re.compile(r"iPad|Tablet|Kindle|Silk|PlayBook|Android(?!.*Mobile)", re.IGNORECASE)
_MOBILE = re.compile(r"Mobi|iPhone|iPod|Android|Opera Mini|KaiOS|Windows Phone", re.IGNORECASE)
_DESKTOP = re.compile(r"Windows NT|Macintosh|X11|CrOS|Linux x86_64", re.IGNORECASE)


def device_id_from(cookies) -> str | None:
    """The cookie's id when it is well formed; None otherwise (absent or forged junk)."""
    value = cookies.get(COOKIE_NAME, "")
    return value if _ID_PATTERN.match(value) else None


def new_device_id() -> str:
    return secrets.token_urlsafe(18)


def period_salt(period_id: int) -> str:
    return salted_hmac("responses.devices.period-salt", f"period:{period_id}").hexdigest()


def device_hash(device_id: str, *, period_id: int) -> str:
    """sha256(salt of the period + id): 64 hex characters."""
    return hashlib.sha256((period_salt(period_id) + device_id).encode()).hexdigest()


def device_class(user_agent: str) -> str:
    if not user_agent:
        return DeviceClass.UNKNOWN
    if _TABLET.search(user_agent):
        return DeviceClass.TABLET
    if _MOBILE.search(user_agent):
        return DeviceClass.MOBILE
    if _DESKTOP.search(user_agent):
        return DeviceClass.DESKTOP
    return DeviceClass.UNKNOWN


def cookie_age(*, ends_on: date | None, now: datetime | None = None) -> int:
    """Seconds the device cookie lives: FORM_DEVICE_COOKIE_AGE, and never past the end (local midnight after
    the closing date) of the period it was set in (docs/privacy.md)."""
    age = settings.FORM_DEVICE_COOKIE_AGE
    if ends_on is None:
        return age
    now = now or timezone.now()
    end = timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min))
    return max(0, min(age, int((end - now).total_seconds())))


def set_device_cookie(response, device_id: str, *, secure: bool, ends_on: date | None = None,
                      now: datetime | None = None) -> None:
    """Sets the cookie, capped at the period's end; not at all once that end has passed."""
    max_age = cookie_age(ends_on=ends_on, now=now)
    if max_age <= 0:
        return
    response.set_cookie(COOKIE_NAME, device_id, max_age=max_age, httponly=True, samesite="Lax", secure=secure)
