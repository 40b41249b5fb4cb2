"""Stand-ins for reporting's RECOMPUTE_HOOK in the responses tests (reporting is another app's work)."""
from spakspkp.celery import app

calls: list[dict] = []


def record_recompute(*, unit_id, period_id):
    calls.append({"unit_id": unit_id, "period_id": period_id})


@app.task(name="tests.responses.recompute_probe")
def recompute_probe(unit_id, period_id):
    calls.append({"unit_id": unit_id, "period_id": period_id, "via": "celery"})


def queue_recompute_task(*, unit_id, period_id):
    """What a real hook does: hand the work to Celery through the broker."""
    recompute_probe.delay(unit_id, period_id)
