"""Retention: once a period has been closed for RETENTION_CLOSED_DAYS, its respondents' free text (suggestions,
short-text extra answers) is deleted and each response's time is coarsened to the (local) day, and so are its
flags' times and the times in their evidence. Aggregates and snapshots stay. Run daily by the beat
(responses.tasks.apply_retention); audited as the system actor."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from surveys.audit import record_retention
from surveys.models import ExtraItem, Period

from .models import Flag, Response

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


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


def _coarsen_json(value):
    """Flag evidence with every ISO time in it (a burst's first/last, other responses' times) cut to the date."""
    if isinstance(value, dict):
        return {key: _coarsen_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_coarsen_json(item) for item in value]
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).date().isoformat()
    return value


def _coarsen_flags(period: Period) -> int:
    changed = []
    for flag in Flag.objects.filter(response__period=period).only("pk", "created_at", "evidence"):
        day, evidence = _midnight(flag.created_at), _coarsen_json(flag.evidence)
        if flag.created_at != day or evidence != flag.evidence:
            flag.created_at, flag.evidence = day, evidence
            changed.append(flag)
    Flag.objects.bulk_update(changed, ["created_at", "evidence"], batch_size=2000)
    return len(changed)


def apply_to_period(period: Period, *, now: datetime) -> int:
    """Clears and coarsens one period's responses (and their flags' times and evidence); returns how many
    responses changed (0 on a second run)."""
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
        flags = _coarsen_flags(period)
        if changed or flags:
            record_retention(obj=period, changed=len(changed), at=now)
    return len(changed)


def apply_retention(*, now: datetime | None = None) -> dict[int, int]:
    """Every due period: {period id: responses changed}."""
    now = now or timezone.now()
    return {period.pk: apply_to_period(period, now=now) for period in due_periods(now=now)}
