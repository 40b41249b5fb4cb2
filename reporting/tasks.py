"""Celery entry points for index recomputation: thin, idempotent, take ids, safe to run twice."""
from __future__ import annotations

import logging
import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from surveys.models import Period

from . import outbox, snapshots

logger = logging.getLogger(__name__)

TIME_LIMIT = 10 * 60  # a national recompute takes seconds; this is a safety net
_recently_pending: dict[tuple[int, int], float] = {}  # (unit, period) -> monotonic time until which to skip


def _pending_key(unit_id: int, period_id: int) -> str:
    return f"reporting:recompute-pending:{period_id}:{unit_id}"


def queue_unit_recompute(*, unit_id: int, period_id: int) -> None:
    """Schedules a recompute of one unit's snapshots a few seconds from now, once per burst.

    Called (via settings.RECOMPUTE_HOOK) after every stored response and review decision, after commit.
    The first call of a burst sets a cache key and queues the task with a countdown; calls while the key
    is set do nothing, since the queued task will read their rows too. The task clears the key when it
    starts, so responses arriving during a recompute queue the next one. Never raises: if the broker is
    down the periodic job (recompute_open_periods) picks the change up later.
    """
    delay = settings.RECOMPUTE_DEBOUNCE_SECONDS
    key = _pending_key(unit_id, period_id)
    app = recompute_unit_task.app
    # The key lives shorter than the countdown: a call in between queues a (harmless) extra run.
    key_seconds = max(delay - 2, 1)
    # Whoever set the key queued a task that starts `delay` seconds later, and the key is gone `key_seconds`
    # after it was set: for `delay - key_seconds` seconds after this process saw the key, that task has not
    # started and will read this response too. The process skips the cache for half of that, the other half
    # being the margin for latency and the worker's clock (a busy counter's submissions cost one cache round
    # trip a second instead of one each; bench/submit).
    memo_seconds = (delay - key_seconds) / 2
    memo = (unit_id, period_id)
    if not app.conf.task_always_eager and _recently_pending.get(memo, 0.0) > time.monotonic():
        return
    try:
        added = cache.add(key, 1, timeout=key_seconds)
    except Exception:  # a cache outage must not lose the recompute: queue without coalescing
        logger.exception("Recompute debounce cache unavailable; queuing without coalescing")
        added = True
    else:
        if len(_recently_pending) > 10_000:
            _recently_pending.clear()
        _recently_pending[memo] = time.monotonic() + memo_seconds
    if not added:
        return
    try:
        if app.conf.task_always_eager:  # embedded mode: run now, in-process
            recompute_unit_task.apply_async((unit_id, period_id))
            return
        with app.connection_for_write() as conn:
            # Fail fast when the broker is down (kombu would otherwise retry for seconds inside the request).
            conn.ensure_connection(max_retries=0)
            recompute_unit_task.apply_async((unit_id, period_id), countdown=delay, retry=False, connection=conn)
    except Exception:
        # The pending key stays until it expires, so the rest of the burst does not wait on the broker again.
        logger.exception("Could not queue recompute of unit %s period %s; the periodic job will", unit_id, period_id)


def forget_recent_queueing() -> None:
    """Forgets which recomputes this process saw pending (tests that clear the cache between steps)."""
    _recently_pending.clear()


@shared_task(name="reporting.recompute_unit", time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 30, acks_late=True)
def recompute_unit_task(unit_id: int, period_id: int) -> int:
    try:
        cache.delete(_pending_key(unit_id, period_id))
    except Exception:
        logger.exception("Recompute debounce cache unavailable")
    outbox.take(unit_id=unit_id, period_id=period_id)
    return snapshots.recompute_unit(unit_id, period_id)


@shared_task(name="reporting.recompute_period", time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 30, acks_late=True)
def recompute_period_task(period_id: int) -> int:
    return snapshots.recompute_period(period_id)


@shared_task(name="reporting.recompute_open_periods", time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 30,
             acks_late=True)
def recompute_open_periods() -> list[int]:
    """Beat job: recomputes every open period in full (catches anything a lost hook call missed)."""
    ids = list(Period.objects.open().values_list("pk", flat=True))
    for period_id in ids:
        outbox.take_period(period_id=period_id)  # the full recompute fulfils its pending unit requests
        snapshots.recompute_period(period_id)
    return ids


def publish_closed_period(*, period_id: int) -> None:
    """PERIOD_CLOSED_HOOK: freezes a just-closed period's final snapshots, which is what publishes them on
    /hasil/, in the request or task that closed it. Never raises into that caller: if freezing fails, the
    safety-net job freeze_closed_periods does it on its next run."""
    try:
        snapshots.freeze_final_snapshots(period_id)
    except Exception:
        logger.exception("Could not freeze period %s at close; freeze_closed_periods will", period_id)


@shared_task(name="reporting.freeze_closed_periods", time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 30,
             acks_late=True)
def freeze_closed_periods() -> list[int]:
    """Beat job (a safety net, closing already freezes): freezes each closed period that has no final snapshot
    since it was (last) closed."""
    ids = list(snapshots.periods_to_freeze().values_list("pk", flat=True))
    for period_id in ids:
        snapshots.freeze_final_snapshots(period_id)
    return ids
