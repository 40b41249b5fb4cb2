"""Failed staff logins that cannot be turned against an officer (docs/security.md).

- A (username, client address) pair is locked after AXES_FAILURE_LIMIT failures: an attacker guessing from
  one address locks only that pair, never the officer at their own office.
- A client address is locked after LOGIN_IP_FAILURE_LIMIT failures, whatever the usernames: one address
  cannot try many accounts. The limit is higher, since a whole office may share one NAT address.
- Failures for one username across addresses never lock: each further failure answers more slowly
  (LOGIN_SLOWDOWN_AFTER, LOGIN_SLOWDOWN_STEP_SECONDS, capped at LOGIN_SLOWDOWN_MAX_SECONDS). A correct password
  is never delayed.
"""
import time
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessFailureLog
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the entry of X-Forwarded-For
    that the outermost trusted proxy appended (entries further left can be sent by anyone)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def slowdown_seconds(failures_for_username: int) -> float:
    """How long a failed answer waits, given the username's recent failures from all addresses."""
    over = failures_for_username - settings.LOGIN_SLOWDOWN_AFTER
    if over <= 0:
        return 0.0
    return min(settings.LOGIN_SLOWDOWN_MAX_SECONDS, over * settings.LOGIN_SLOWDOWN_STEP_SECONDS)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


class ScopedLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per lockout parameter ((username, address), then address) and a
    slowdown instead of a lock per username."""

    def is_locked(self, request, credentials=None) -> bool:
        limits = [settings.AXES_FAILURE_LIMIT, settings.LOGIN_IP_FAILURE_LIMIT]
        for attempts, limit in zip(self.get_user_attempts(request, credentials), limits, strict=False):
            if (attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0) >= limit:
                return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        username = (credentials or {}).get("username")
        if username:
            delay = slowdown_seconds(recent_failures(username).count())
            if delay:
                _sleep(delay)


def recent_failures(username: str, *, now=None, days: int | None = None):
    """Failed logins for this username (every address), newest first, within the cool-off (or `days`)."""
    now = now or timezone.now()
    window = timedelta(days=days) if days is not None else timedelta(hours=settings.AXES_COOLOFF_TIME or 24)
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=now - window).order_by(
        "-attempt_time")
