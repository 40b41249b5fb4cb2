"""Bench stand-in for reporting's RECOMPUTE_HOOK when that app is absent: publish one task to the broker,
which is what the real hook costs a request."""
from spakspkp.celery import app


@app.task(name="bench.submit.recompute_probe", ignore_result=True)
def recompute_probe(unit_id, period_id):
    return None


def queue_recompute(*, unit_id, period_id):
    recompute_probe.delay(unit_id, period_id)
