"""Retention: once a period has been closed for RETENTION_CLOSED_DAYS, its respondents' free text (suggestions,
short-text extra answers) is deleted and each response's time is coarsened to the (local) day. Aggregates and
snapshots stay. Run daily by the beat (responses.tasks.apply_retention); audited as the system actor."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from surveys.audit import record_retention
from surveys.models import ExtraItem, Period

from .models import Response


def due_periods(*, now: datetime):
    """Closed periods whose closing (the moment it was closed, else its closing date) is at least the
    retention time before `now`."""
    limit = now - timedelta(days=settings.RETENTION_CLOSED_DAYS)
    closed = Period.objects.filter(status=Period.Status.CLOSED)
    return [p for p in closed
            if (p.closed_at or timezone.make_aware(datetime.combine(p.ends_on, datetime.max.time()))) <= limit]


def _midnight(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def apply_to_period(period: Period, *, now: datetime) -> int:
    """Clears and coarsens one period's responses; returns how many changed (0 on a second run)."""
    text_keys = {str(pk) for pk in ExtraItem.objects.filter(period=period, kind=ExtraItem.Kind.TEXT)
                 .values_list("pk", flat=True)}
    changed = []
    for response in Response.objects.filter(period=period).only("pk", "created_at", "suggestion", "extra_answers") \
            .iterator(chunk_size=2000):
        day = _midnight(response.created_at)
        extra = {k: v for k, v in (response.extra_answers or {}).items() if k not in text_keys}
        if response.suggestion or extra != (response.extra_answers or {}) or response.created_at != day:
            response.suggestion, response.extra_answers, response.created_at = "", extra, day
            changed.append(response)
    with transaction.atomic():
        Response.objects.bulk_update(changed, ["suggestion", "extra_answers", "created_at"], batch_size=2000)
        if changed:
            record_retention(obj=period, changed=len(changed), at=now)
    return len(changed)


def apply_retention(*, now: datetime | None = None) -> dict[int, int]:
    """Every due period: {period id: responses changed}."""
    now = now or timezone.now()
    return {period.pk: apply_to_period(period, now=now) for period in due_periods(now=now)}
