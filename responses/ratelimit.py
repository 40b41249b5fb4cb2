"""Submission rate limits per access point and per device, counted in Django's cache (never per IP).

Many Indonesian mobile users share one public IP through carrier NAT, so an IP limit would lock out a
whole waiting room; the access point bounds a flood at one poster or kiosk, the device id bounds one phone.
Fixed windows: a counter per (scope, window number) that expires with its window.
"""
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """'30/60' means 30 submissions per 60 seconds."""
        try:
            count, seconds = (int(part) for part in text.split("/"))
        except ValueError as exc:
            raise ImproperlyConfigured(f"Rate limit {text!r} is not of the form COUNT/SECONDS.") from exc
        if count < 1 or seconds < 1:
            raise ImproperlyConfigured(f"Rate limit {text!r} must be positive.")
        return cls(count, seconds)


def _hit(scope: str, limit: Limit, now: datetime) -> bool:
    """Counts one submission; True while the window's count stays within the limit."""
    window = int(now.timestamp()) // limit.seconds
    key = f"responses:rl:{scope}:{limit.seconds}:{window}"
    cache.add(key, 0, timeout=limit.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=limit.seconds + 5)
        count = 1
    return count <= limit.count


def allow_submission(*, access_point_id: int, device_hash: str, now: datetime) -> bool:
    """Counts this submission against its access point and (when known) its device; False when over."""
    allowed = _hit(f"ap:{access_point_id}", Limit.parse(settings.FORM_RATE_LIMIT_ACCESS_POINT), now)
    if device_hash:
        allowed = _hit(f"dev:{device_hash}", Limit.parse(settings.FORM_RATE_LIMIT_DEVICE), now) and allowed
    return allowed
