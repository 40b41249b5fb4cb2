"""Storing a respondent's submission: exactly once, whole or not at all, then queueing the index update."""
import logging
import uuid
from contextlib import nullcontext
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from surveys.models import AccessPoint, InstrumentVersion, Period, UnitService

from . import statements
from .models import Response, Scoresheet
from .recompute import queue_recompute
from .validity import answers_digest, assess_new_response, record_assessment

logger = logging.getLogger(__name__)

# Versions this worker has seen frozen; freezing is one-way, so the UPDATE is skipped once known.
_frozen_versions: set[int] = set()
_version_cache: dict[int, InstrumentVersion] = {}


class InvalidAnswers(ValueError):
    """The answers do not fit the period's instrument versions (the form should have caught this)."""


def _check_answers(answers: dict[int, dict[int, int]], period: Period) -> None:
    versions = {
        v.pk: (v, {i.position for i in v.indicators.all()})
        for v in period.instrument_versions.prefetch_related("indicators")
    }
    if set(answers) != set(versions):
        raise InvalidAnswers(f"answers for versions {sorted(answers)}, period asks {sorted(versions)}")
    for version_id, scores in answers.items():
        version, positions = versions[version_id]
        if set(scores) != positions:
            raise InvalidAnswers(f"version {version_id}: missing or unknown items")
        if any(not version.scale_min <= score <= version.scale_max for score in scores.values()):
            raise InvalidAnswers(f"version {version_id}: score outside {version.scale_min}-{version.scale_max}")


def _versions(answers: dict[int, dict[int, int]]) -> dict[int, InstrumentVersion]:
    """The answered versions (rules read their instrument and minimum time), cached per worker: a
    version's rules-relevant fields do not change once it has responses."""
    missing = [pk for pk in answers if pk not in _version_cache]
    if missing:
        _version_cache.update(InstrumentVersion.objects.in_bulk(missing))
    return {pk: _version_cache[pk] for pk in answers}


def forget_frozen_versions() -> None:
    """For tests that roll back the transactions which froze versions."""
    _frozen_versions.clear()
    _version_cache.clear()


def _after_commit(*, unit_id: int, period_id: int, version_ids: set[int]) -> None:
    """Runs after commit. A broker outage must never fail or undo a stored response: the index can be
    recomputed later (on schedule or by hand), the answers cannot be asked again."""
    _frozen_versions.update(version_ids)
    queue_recompute(unit_id=unit_id, period_id=period_id)


def submit_response(
    *,
    access_point: AccessPoint,
    period: Period,
    service: UnitService,
    answers: dict[int, dict[int, int]],
    idempotency_key: uuid.UUID,
    completion_seconds: int | None,
    device_hash: str,
    device_class: str,
    sex: str = "",
    age_band: str = "",
    education: str = "",
    occupation: str = "",
    steered: bool | None = None,
    suggestion: str = "",
    extra_answers: dict[str, str] | None = None,
    now: datetime | None = None,
    checked: bool = False,
    channel: str | None = None,
    flood: bool = False,
    savepoint: bool = True,
) -> tuple[Response, bool]:
    """Stores one response with one Scoresheet per instrument version; returns (response, created).

    `answers` maps version id -> {indicator position: score} and must cover every item of every version
    of `period` within its scale (pass checked=True when a form has already verified that). `flood`: the
    access point was over its rate limit, so the response is stored with a flood flag instead of refused. A repeated
    idempotency key, even from a concurrent request, returns the first response and stores nothing.
    savepoint=False (inside the caller's transaction, e.g. a ticket's claim): no savepoint round trips, and a
    repeated key raises IntegrityError for the caller, whose transaction is then rolled back whole.
    """
    now = now or timezone.now()
    if service.unit_id != access_point.unit_id:
        raise InvalidAnswers("service belongs to another unit")
    if not checked:
        _check_answers(answers, period)
    unit = access_point.unit
    response = Response(
        idempotency_key=idempotency_key, period=period, unit=unit, access_point=access_point, service=service,
        channel=channel or access_point.channel, created_at=now, completion_seconds=completion_seconds,
        device_hash=device_hash, device_class=device_class, sex=sex, age_band=age_band, education=education,
        occupation=occupation, steered=steered, suggestion=suggestion, extra_answers=extra_answers or {},
        answers_digest=answers_digest(answers),
    )
    versions = _versions(answers)
    sheets = [
        Scoresheet(response=response, version=versions[version_id], period=period, unit=unit, service=service,
                   **{f"score_{position}": score for position, score in scores.items()})
        for version_id, scores in answers.items()
    ]
    # The rules read before anything is written, so the write holds the unit's running totals (locked by
    # the scoresheets' INSERT, see reporting) only for itself.
    assessment = assess_new_response(response, sheets, flood=flood)
    response.flagged = assessment.flagged
    for sheet in sheets:
        sheet.flagged = response.flagged
    try:
        if statements.can_insert_whole() and not assessment.flagged and _frozen_versions.issuperset(answers):
            # The usual case: the response and its scoresheets in one statement, whole or not at all.
            # Alone it needs no transaction; inside one, a savepoint keeps that usable after a repeated key.
            with (nullcontext() if transaction.get_connection().get_autocommit()
                  else transaction.atomic(savepoint=savepoint)):
                statements.insert_whole(response, sheets)
        else:
            with transaction.atomic(savepoint=savepoint):
                statements.insert_rows([response])
                record_assessment(response, assessment, sheets=sheets, now=now)
                for sheet in sheets:
                    sheet.response_id = response.pk
                if not _frozen_versions.issuperset(answers):
                    InstrumentVersion.objects.filter(pk__in=list(answers), frozen=False).update(frozen=True)
                statements.insert_rows(sheets)
    except IntegrityError:
        if not savepoint and not transaction.get_connection().get_autocommit():
            raise  # the caller's transaction is unusable until it rolls back
        existing = Response.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False
    unit_id, period_id, version_ids = unit.pk, period.pk, set(answers)
    transaction.on_commit(lambda: _after_commit(unit_id=unit_id, period_id=period_id, version_ids=version_ids))
    return response, True
