"""Draining the durable recompute requests (responses.RecomputeRequest, written by triggers in the same
transaction as each response or review): a broker outage delays the indices by at most one drain interval
after the broker (or the embedded scheduler) runs the drain again, instead of until the next full recompute.

The debounced task (`reporting.tasks.recompute_unit_task`) takes its unit-period's request when it starts,
so in normal operation the drain finds nothing; a request older than the debounce (its task was never
queued, or was lost) is taken by the drain. Taking is a DELETE ... RETURNING before the recompute: a
response stored meanwhile writes a new request, so nothing is missed; a recompute that fails puts the
request back.
"""
import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from responses.models import RecomputeRequest

from . import snapshots

logger = logging.getLogger(__name__)


def take(*, unit_id: int, period_id: int) -> None:
    """The unit-period is about to be recomputed: its pending request is fulfilled."""
    RecomputeRequest.objects.filter(unit_id=unit_id, period_id=period_id).delete()


def take_period(*, period_id: int) -> None:
    RecomputeRequest.objects.filter(period_id=period_id).delete()


def drain(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """Recomputes every unit-period requested longer than the debounce ago; returns them (unit, period)."""
    now = now or timezone.now()
    due = now - timedelta(seconds=settings.RECOMPUTE_DEBOUNCE_SECONDS)
    pairs = list(RecomputeRequest.objects.filter(requested_at__lte=due)
                 .order_by("requested_at").values_list("pk", "unit_id", "period_id", "requested_at"))
    done = []
    for pk, unit_id, period_id, requested_at in pairs:
        with transaction.atomic():
            if not RecomputeRequest.objects.filter(pk=pk).delete()[0]:
                continue  # a debounced task took it meanwhile
        try:
            snapshots.recompute_unit(unit_id, period_id, now=now)
        except Exception:
            logger.exception("Recompute of unit %s period %s failed; request kept", unit_id, period_id)
            RecomputeRequest.objects.get_or_create(unit_id=unit_id, period_id=period_id,
                                                   defaults={"requested_at": requested_at})
            continue
        done.append((unit_id, period_id))
    return done


@shared_task(name="reporting.drain_recompute_requests", acks_late=True)
def drain_recompute_requests() -> int:
    return len(drain())
