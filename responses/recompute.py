"""The one way `responses` asks the index engine to recompute a unit-period: settings.RECOMPUTE_HOOK.

The engine lives in `reporting`, which `responses` may not import. The hook may be missing in a partial
deployment or its broker may be down; neither may undo a stored response or a review decision, so a failure
is logged and never raised (the periodic recompute catches up).
"""
import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def queue_recompute(*, unit_id: int, period_id: int) -> None:
    """Calls the hook now; logs and swallows any failure."""
    try:
        hook = import_string(settings.RECOMPUTE_HOOK)
    except ImportError as exc:
        logger.warning("Recompute hook %s is not available (%s); unit %s, period %s not recomputed",
                       settings.RECOMPUTE_HOOK, exc, unit_id, period_id)
        return
    try:
        hook(unit_id=unit_id, period_id=period_id)
    except Exception:
        logger.exception("Recompute hook %s failed for unit %s, period %s",
                         settings.RECOMPUTE_HOOK, unit_id, period_id)


def queue_recompute_on_commit(pairs) -> None:
    """Queues one recompute per (unit_id, period_id) pair once the current transaction commits."""
    for unit_id, period_id in set(pairs):
        transaction.on_commit(lambda u=unit_id, p=period_id: queue_recompute(unit_id=u, period_id=p))
