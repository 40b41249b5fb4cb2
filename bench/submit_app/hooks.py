"""Bench stand-in for reporting's RECOMPUTE_HOOK when that app is absent.

Like the real hook (the methodology asks for debounced recomputation), it queues at most one task per unit
and period per window: the first response of a window publishes to the broker, the others find the
debounce key in the cache.
"""
from django.core.cache import cache

from spakspkp.celery import app

DEBOUNCE_SECONDS = 30


@app.task(name="bench.submit.recompute_probe", ignore_result=True)
def recompute_probe(unit_id, period_id):
    return None


def queue_recompute(*, unit_id, period_id):
    if cache.add(f"bench:recompute:{unit_id}:{period_id}", 1, timeout=DEBOUNCE_SECONDS):
        recompute_probe.apply_async((unit_id, period_id), countdown=DEBOUNCE_SECONDS)
