"""Submission rate limits per access point and per device (never per IP), counted with the `limits` library.

Many Indonesian mobile users share one public IP through carrier NAT, so an IP limit would lock out a
whole waiting room; the access point bounds a flood at one poster or kiosk, the device id bounds one phone.
Fixed windows: one counter per (scope, window) that expires with its window. In production the counters
live in Redis (FORM_RATE_LIMIT_STORAGE_URL, by default the Redis cache), one atomic script per limit, the
limits of one submission in one pipelined round trip, shared by every web process; in the embedded mode
they live in the process's memory.
"""
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from limits import RateLimitItemPerSecond
from limits.errors import ConfigurationError
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from redis.exceptions import NoScriptError

logger = logging.getLogger(__name__)


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

    def item(self) -> RateLimitItemPerSecond:
        return RateLimitItemPerSecond(self.count, self.seconds)


_limiters: dict[str, FixedWindowRateLimiter] = {}
_unreachable_until = 0.0  # monotonic time until which an unreachable storage is not tried again
RETRY_SECONDS = 30
TIMEOUT_SECONDS = 0.5  # a Redis that drops packets must not hold a respondent's request for long


def check_settings() -> None:
    """Raises ImproperlyConfigured for a malformed limit or storage URL: at start, not as a 500 on the
    first respondent's submit. Does not connect (the storage connects on first use)."""
    Limit.parse(settings.FORM_RATE_LIMIT_ACCESS_POINT)
    Limit.parse(settings.FORM_RATE_LIMIT_DEVICE)
    try:
        _storage(settings.FORM_RATE_LIMIT_STORAGE_URL)
    except ConfigurationError as exc:
        raise ImproperlyConfigured(f"FORM_RATE_LIMIT_STORAGE_URL: {exc}") from exc


def _storage(url: str):
    options = {}
    if url.startswith(("redis://", "rediss://", "redis+unix://")):
        options = {"socket_timeout": TIMEOUT_SECONDS, "socket_connect_timeout": TIMEOUT_SECONDS}
    return storage_from_string(url, **options)


def _limiter() -> FixedWindowRateLimiter:
    """The limiter on the configured storage (one per storage URL and process; connections are pooled)."""
    url = settings.FORM_RATE_LIMIT_STORAGE_URL
    if url not in _limiters:
        _limiters[url] = FixedWindowRateLimiter(_storage(url))
    return _limiters[url]


def reset() -> None:
    """Forgets every count in the configured storage and in those this process has used (tests; an operator
    lifting limits early: on Redis this clears the counters of every web process)."""
    global _unreachable_until
    try:
        _limiter()
    except ConfigurationError:  # a malformed URL holds no count (check_settings reports it)
        pass
    for url, limiter in _limiters.items():
        try:
            limiter.storage.reset()
        except Exception:  # noqa: BLE001 - an unreachable storage holds no count to forget here
            logger.warning("Rate-limit storage %s not reset: unreachable", url)
    _limiters.clear()
    _unreachable_until = 0.0


def _hit_all(limiter: FixedWindowRateLimiter, hits: list) -> list[bool]:
    """Counts every hit (even past one that is over) and says, per hit, whether it is within its limit. On
    Redis the counters go in one pipelined round trip, each with `limits`' own atomic script and key, instead
    of one round trip per limit (bench/profile_submit: a fifth of a submission's wall time under load)."""
    storage = limiter.storage
    if isinstance(storage, RedisStorage) and len(hits) > 1:
        # EVALSHA by hand: a Script object in a pipeline costs a SCRIPT EXISTS round trip on every execute.
        pipe = storage.get_connection().pipeline(transaction=False)
        for item, identifiers in hits:
            pipe.evalsha(storage.lua_incr_expire.sha, 1, storage.prefixed_key(item.key_for(*identifiers)),
                         item.get_expiry(), 1)
        try:
            counts = pipe.execute()
        except NoScriptError:  # the server lost its scripts (a restart, SCRIPT FLUSH): nothing was counted
            counts = None
        if counts is not None:
            return [int(count) <= item.amount for count, (item, _) in zip(counts, hits, strict=True)]
    return [limiter.hit(item, *identifiers) for item, identifiers in hits]  # every counter counts


class Verdict:
    """What the limits say of one submission: store it, store it flagged as a flood, or refuse it."""

    OK = "ok"
    FLOOD = "flood"  # over the access point's limit: stored and flagged, never refused (someone else's doing)
    REFUSED = "refused"  # over this device's own limit: refused and counted


def check_submission(*, access_point_id: int, device_hash: str) -> str:
    """Counts this submission against its access point and (when known) its device; returns a Verdict.

    Only a device's own limit refuses: a flood at a poster (e.g. a cookieless script) must not cost an
    honest respondent their answers, so over the access point's limit the submission is stored and flagged.
    If the counters cannot be reached the submission is allowed and the outage logged, and the storage is
    left alone for RETRY_SECONDS: answers matter more than flood protection, and the validity rules still
    flag what a flood leaves behind.
    """
    global _unreachable_until
    if _unreachable_until > time.monotonic():
        return Verdict.OK
    limiter = _limiter()
    hits = [(Limit.parse(settings.FORM_RATE_LIMIT_ACCESS_POINT).item(), ("ap", str(access_point_id)))]
    if device_hash:
        hits.append((Limit.parse(settings.FORM_RATE_LIMIT_DEVICE).item(), ("dev", device_hash)))
    try:
        within = _hit_all(limiter, hits)
        point_ok, device_ok = within[0], all(within[1:])
    except Exception:
        _unreachable_until = time.monotonic() + RETRY_SECONDS
        logger.exception("Rate-limit storage unavailable; submissions allowed without limits for %d s "
                         "(access point %s)", RETRY_SECONDS, access_point_id)
        return Verdict.OK
    if not device_ok:
        return Verdict.REFUSED
    return Verdict.OK if point_ok else Verdict.FLOOD


def allow_hit(limit: Limit, *identifiers: str) -> bool:
    """Counts one hit of `limit` under `identifiers` in the configured storage; False when over. An unreachable
    storage allows the hit (logged), as for submissions."""
    global _unreachable_until
    if _unreachable_until > time.monotonic():
        return True
    try:
        return _limiter().hit(limit.item(), *identifiers)
    except Exception:
        _unreachable_until = time.monotonic() + RETRY_SECONDS
        logger.exception("Rate-limit storage unavailable; requests allowed without limits for %d s", RETRY_SECONDS)
        return True


def allow_submission(*, access_point_id: int, device_hash: str) -> bool:
    """True unless this device is over its own limit (see check_submission)."""
    return check_submission(access_point_id=access_point_id, device_hash=device_hash) != Verdict.REFUSED


def count_refusal(*, access_point_id: int, device_hash: str, now: datetime) -> None:
    """Adds one to the refusals of this device at this access point in the current hour (one upsert)."""
    from .models import RefusedSubmission

    hour = now.replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        row, created = RefusedSubmission.objects.get_or_create(
            access_point_id=access_point_id, device_hash=device_hash, hour=hour, defaults={"count": 1})
        if not created:
            RefusedSubmission.objects.filter(pk=row.pk).update(count=F("count") + 1)
