"""Storing a respondent's submission: exactly once, whole or not at all, then queueing the index update."""
import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from surveys.models import AccessPoint, InstrumentVersion, Period, UnitService

from .models import Response, Scoresheet
from .validity import answers_digest, flag_new_response

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


def _insert_scoresheets(sheets: list[Scoresheet]) -> None:
    """One multi-row INSERT with the model's own columns and value preparation.

    The submission's hot path: bulk_create on PostgreSQL sends a few rows as UNNEST arrays, and preparing
    twenty-seven arrays for two rows cost more CPU than the rest of the write (bench/submit).
    """
    db = transaction.get_connection()  # the connection itself, not the per-attribute-lookup proxy
    fields = [f for f in Scoresheet._meta.concrete_fields if not f.primary_key]
    quote = db.ops.quote_name
    table, columns = quote(Scoresheet._meta.db_table), ", ".join(quote(f.column) for f in fields)
    rows = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(sheets))
    sql = f"INSERT INTO {table} ({columns}) VALUES {rows}"  # noqa: S608 - names from the model, values bound
    params = [f.get_db_prep_save(getattr(sheet, f.attname), db) for sheet in sheets for f in fields]
    with db.cursor() as cursor:
        cursor.execute(sql, params)


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
    try:
        import_string(settings.RECOMPUTE_HOOK)(unit_id=unit_id, period_id=period_id)
    except Exception:
        logger.exception("Index recompute not queued for unit %s, period %s", unit_id, period_id)


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
) -> tuple[Response, bool]:
    """Stores one response with one Scoresheet per instrument version; returns (response, created).

    `answers` maps version id -> {indicator position: score} and must cover every item of every version
    of `period` within its scale (pass checked=True when a form has already verified that). A repeated
    idempotency key, even from a concurrent request, returns the first response and stores nothing.
    """
    now = now or timezone.now()
    if service.unit_id != access_point.unit_id:
        raise InvalidAnswers("service belongs to another unit")
    if not checked:
        _check_answers(answers, period)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                idempotency_key=idempotency_key, period=period, unit_id=access_point.unit_id,
                access_point=access_point, service=service, channel=access_point.channel, created_at=now,
                completion_seconds=completion_seconds, device_hash=device_hash, device_class=device_class,
                sex=sex, age_band=age_band, education=education, occupation=occupation, steered=steered,
                suggestion=suggestion, extra_answers=extra_answers or {},
                answers_digest=answers_digest(answers),
            )
            versions = _versions(answers)
            sheets = [
                Scoresheet(
                    response=response, version=versions[version_id], period=period, unit_id=access_point.unit_id,
                    service=service, status=response.status, flagged=False,
                    **{f"score_{position}": score for position, score in scores.items()},
                )
                for version_id, scores in answers.items()
            ]
            # Flags first, the scoresheets last: their INSERT locks the unit's running totals (reporting)
            # until commit, so nothing slow may run after it.
            flag_new_response(response, now=now, sheets=sheets)
            for sheet in sheets:
                sheet.flagged = response.flagged
            if not _frozen_versions.issuperset(answers):
                InstrumentVersion.objects.filter(pk__in=list(answers), frozen=False).update(frozen=True)
            _insert_scoresheets(sheets)
            unit_id, period_id, version_ids = access_point.unit_id, period.pk, set(answers)
            transaction.on_commit(lambda: _after_commit(unit_id=unit_id, period_id=period_id, version_ids=version_ids))
    except IntegrityError:
        existing = Response.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False
    return response, True
