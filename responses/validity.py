"""Soft validity flags (docs/methodology.md §6): one small function per rule, stored as Flag rows.

Flags never change or delete answers; they only mark a Response (and its Scoresheets) as `flagged`
and keep the evidence a reviewer needs. Thresholds live on the instrument version (minimum plausible
time per item) or in settings (VALIDITY_*), never in this module.

Cheap rules run for every submission: `assess_new_response` reads (one statement) before the submit
transaction, `record_assessment` writes the flags inside it. Because concurrent submissions cannot see
each other's uncommitted rows, and to refresh the evidence of whole runs, bursts are also found by a
periodic job (`detect_bursts` in responses/bursts.py, run by responses/tasks.py).
"""
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from surveys.models import MAX_INDICATORS

from . import statements
from .models import Channel, Flag, Response, Scoresheet

logger = logging.getLogger(__name__)

Rule = Flag.Rule
SCORE_FIELDS = [f"score_{i}" for i in range(1, MAX_INDICATORS + 1)]
EVIDENCE_MAX_IDS = 100  # a flag's evidence names at most this many members of a burst (with the full count)


@dataclass(frozen=True)
class Finding:
    """A rule that fired for one response, with what a reviewer needs to judge it."""

    rule: str
    evidence: dict


# --------------------------------------------------------------------------- thresholds
def minimum_seconds(sheets: list[Scoresheet]) -> Decimal:
    """Minimum plausible completion time: each version's seconds per item × its number of items."""
    total = Decimal(0)
    for sheet in sheets:
        total += sheet.version.min_seconds_per_item * item_count(sheet)
    return total


def item_count(sheet: Scoresheet) -> int:
    return sum(1 for field in SCORE_FIELDS if getattr(sheet, field) is not None)


def answer_values(sheets: list[Scoresheet]) -> list[int]:
    return [v for sheet in sheets for v in (getattr(sheet, f) for f in SCORE_FIELDS) if v is not None]


def answers_digest(answers: dict[int, dict[int, int]]) -> str:
    """A short digest of a whole answer set ({version id: {position: score}}); equal sets, equal digests."""
    text = ";".join(f"{v}:" + ",".join(f"{p}={s}" for p, s in sorted(scores.items()))
                    for v, scores in sorted(answers.items()))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def answer_vector(sheets) -> tuple:
    """What two responses must share to be "identical": every version answered and every score."""
    return tuple(
        (sheet.version_id, tuple(getattr(sheet, f) for f in SCORE_FIELDS))
        for sheet in sorted(sheets, key=lambda s: s.version_id)
    )


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


# --------------------------------------------------------------------------- the cheap rules
def check_too_fast(response: Response, sheets: list[Scoresheet]) -> Finding | None:
    """Completed in less time than the instrument versions' minimum plausible time (default 2 s per item).

    Exactly the minimum is plausible; one second less is not.
    """
    if response.completion_seconds is None or not sheets:
        return None
    minimum = minimum_seconds(sheets)
    if response.completion_seconds >= minimum:
        return None
    return Finding(Rule.TOO_FAST, {
        "completion_seconds": response.completion_seconds,
        "minimum_seconds": str(minimum.normalize()),
        "items": sum(item_count(s) for s in sheets),
    })


def check_straight_lining(response: Response, sheets: list[Scoresheet]) -> Finding | None:
    """The same score on every item together with a much faster time than the too-fast threshold.

    "Fast" is below VALIDITY_STRAIGHT_LINING_TIME_FACTOR × the minimum plausible time (default half): a
    satisfied respondent who reads every statement and answers 4 throughout is not flagged; identical sets
    that cluster at one access point are the burst rule's.
    """
    values = answer_values(sheets)
    if response.completion_seconds is None or len(values) < 2 or len(set(values)) != 1:
        return None
    fast_below = minimum_seconds(sheets) * Decimal(str(settings.VALIDITY_STRAIGHT_LINING_TIME_FACTOR))
    if response.completion_seconds >= fast_below:
        return None
    return Finding(Rule.STRAIGHT_LINING, {
        "value": values[0],
        "items": len(values),
        "completion_seconds": response.completion_seconds,
        "fast_below_seconds": str(fast_below.normalize()),
    })


def check_steered(response: Response) -> Finding | None:
    """The respondent answered yes to "did an officer steer you or watch you fill this in?"."""
    if response.steered is True:
        return Finding(Rule.STEERED, {"answer": True})
    return None


def check_outside_hours(response: Response) -> Finding | None:
    """Received outside the unit's service hours (Asia/Jakarta), allowing a grace period on each side.

    A respondent may finish the form shortly after the counter closes; VALIDITY_SERVICE_HOURS_GRACE_MINUTES
    sets how long. Hours may run past midnight. A unit without service hours is never flagged.
    """
    unit = response.unit
    if unit.opens_at is None or unit.closes_at is None:
        return None
    local = _local(response.created_at)
    grace = timedelta(minutes=settings.VALIDITY_SERVICE_HOURS_GRACE_MINUTES)
    for day in (local.date() - timedelta(days=1), local.date()):
        opens = datetime.combine(day, unit.opens_at, tzinfo=local.tzinfo)
        closes = datetime.combine(day, unit.closes_at, tzinfo=local.tzinfo)
        if closes <= opens:  # hours that run past midnight (e.g. a 24-hour port office: 20:00–06:00)
            closes += timedelta(days=1)
        if opens - grace <= local <= closes + grace:
            return None
    return Finding(Rule.OUTSIDE_HOURS, {
        "local_time": local.strftime("%Y-%m-%d %H:%M:%S"),
        "opens_at": _hhmm(unit.opens_at),
        "closes_at": _hhmm(unit.closes_at),
        "grace_minutes": settings.VALIDITY_SERVICE_HOURS_GRACE_MINUTES,
    })


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


@dataclass
class Assessment:
    """What the store-time rules found for one new response, read before it is written.

    `findings` are this response's own rules (too fast, straight-lining, steered, outside hours, repeat
    device); `repeats` are the earlier same-device responses it repeats and `burst` the other members of an
    identical-answers burst at its access point, each as (id, created_at, already flagged for that rule).
    """

    findings: list[Finding]
    repeats: list[tuple[int, datetime, bool]]
    burst: list[tuple[int, datetime, bool]]

    @property
    def flagged(self) -> bool:
        return bool(self.findings or self.burst)


# Runs on every submission (bench/submit's hot path), before the response is written: one fixed statement
# reads both neighbourhoods the rules need, each through its own index: the device's latest responses at the
# unit ((unit, device_hash, created_at)) and the access point's responses with the same answer set
# ((access_point, answers_digest, created_at)), with whether each already carries that rule's flag. An
# empty device hash (kiosk) or digest is tested on the parameter, not the column: a prepared statement's
# generic plan then skips that half outright instead of reading the unit's kiosk rows. Portable SQL, so
# the embedded SQLite mode runs it too. Ticketed responses ('ticket', Channel.TICKET) are never burst members.
REPEAT_DEVICE_MAX = 50  # earlier responses of one device a flag names and flags at the most (the latest)
_NEIGHBOURS_SQL = """
SELECT 'device', d.id, d.created_at, d.flag FROM (
  SELECT r.id, r.created_at, EXISTS(SELECT 1 FROM {flag} f WHERE f.response_id = r.id AND f.rule = %s) AS flag
  FROM {response} r
  WHERE CAST(%s AS varchar) <> '' AND r.unit_id = %s AND r.device_hash = %s AND r.created_at >= %s
    AND r.created_at <= %s AND r.id <> %s
  ORDER BY r.id DESC LIMIT %s
) d
UNION ALL
SELECT 'burst', r.id, r.created_at, EXISTS(SELECT 1 FROM {flag} f WHERE f.response_id = r.id AND f.rule = %s)
FROM {response} r
WHERE CAST(%s AS varchar) <> '' AND r.access_point_id = %s AND r.answers_digest = %s AND r.created_at >= %s
  AND r.created_at <= %s AND r.id <> %s AND r.channel <> 'ticket'
ORDER BY 2
"""


def _neighbours(response: Response) -> tuple[list, list]:
    """(same-device rows, same-answer-set rows) around `response`, each (id, created_at, has that flag)."""
    device_window = timedelta(hours=settings.VALIDITY_REPEAT_DEVICE_HOURS)
    burst_window = timedelta(minutes=settings.VALIDITY_BURST_WINDOW_MINUTES)
    db = transaction.get_connection()
    at, pk, moment = response.created_at, response.pk or 0, db.ops.adapt_datetimefield_value
    sql = _NEIGHBOURS_SQL.format(flag=Flag._meta.db_table, response=Response._meta.db_table)
    device, digest = response.device_hash, response.answers_digest
    if response.channel == Channel.TICKET:
        digest = ""  # a ticketed response is never a burst member (responses/bursts.py): skip that half
    params = [Rule.REPEAT_DEVICE.value, device, response.unit_id, device, moment(at - device_window), moment(at), pk,
              REPEAT_DEVICE_MAX, Rule.BURST.value, digest, response.access_point_id, digest,
              moment(at - burst_window), moment(at), pk]
    rows = [(kind, pk, _aware(created_at), bool(flag)) for kind, pk, created_at, flag in statements.run(sql, params)]
    return ([row[1:] for row in rows if row[0] == "device"], [row[1:] for row in rows if row[0] == "burst"])


def _aware(value) -> datetime:
    """A timestamp read by raw SQL: aware on PostgreSQL; SQLite gives naive UTC (or text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def _same_instrument(rows: list, sheets: list[Scoresheet]) -> list:
    """The rows whose response answered at least one of the instruments of `sheets` (a second, rare query:
    only when the device has answered at this unit within the window)."""
    if not rows:
        return rows
    instruments = {sheet.version.instrument_id for sheet in sheets}
    matching = set(Scoresheet.objects.filter(response_id__in=[r[0] for r in rows],
                                             version__instrument_id__in=instruments)
                   .values_list("response_id", flat=True))
    return [r for r in rows if r[0] in matching]


def _identical_answer_sets(response: Response, sheets: list[Scoresheet]) -> list:
    """Burst neighbours of a response stored without an answers digest (simulation, old rows): the access
    point's responses in the window whose every scoresheet equals one of `sheets`."""
    window = timedelta(minutes=settings.VALIDITY_BURST_WINDOW_MINUTES)
    others = Response.objects.filter(access_point_id=response.access_point_id,
                                     created_at__gte=response.created_at - window,
                                     created_at__lte=response.created_at).exclude(pk=response.pk)
    others = others.exclude(channel=Channel.TICKET)
    for sheet in sheets:
        # Same version means the same items (every item is required), so the answered columns suffice.
        scores = {f"scoresheets__{f}": v for f in SCORE_FIELDS if (v := getattr(sheet, f)) is not None}
        others = others.filter(scoresheets__version_id=sheet.version_id, **scores)
    return list(others.annotate(has_flag=Exists(Flag.objects.filter(response=OuterRef("pk"), rule=Rule.BURST)))
                .order_by("pk").values_list("pk", "created_at", "has_flag"))


def _all_top(sheets: list[Scoresheet]) -> bool:
    """Every item answered with its scale's top value (a satisfied respondent's usual answer set)."""
    return all(getattr(sheet, f) in (None, sheet.version.scale_max) for sheet in sheets for f in SCORE_FIELDS)


def _top_volume_anomalous(response: Response, identical: int) -> bool:
    """Whether `identical` all-top sets are at least VALIDITY_TOP_BURST_MIN_SHARE of the access point's
    responses in the burst window: at a busy access point many honest respondents answer the top value."""
    window = timedelta(minutes=settings.VALIDITY_BURST_WINDOW_MINUTES)
    total = Response.objects.filter(access_point_id=response.access_point_id,
                                    created_at__gte=response.created_at - window,
                                    created_at__lte=response.created_at).exclude(pk=response.pk).count() + 1
    return identical >= settings.VALIDITY_TOP_BURST_MIN_SHARE * total


def assess_new_response(response: Response, sheets: list[Scoresheet], *, flood: bool = False) -> Assessment:
    """Runs every store-time rule on a response that may not be saved yet (`sheets` each with `version`).

    Reads only, so the submit service calls it before its transaction: the running totals that the
    scoresheet INSERT locks (reporting) are then held for two statements. Concurrent submissions cannot see
    each other's uncommitted rows; the periodic `detect_bursts` job catches what this misses.
    """
    findings = [
        f for f in (
            check_too_fast(response, sheets),
            check_straight_lining(response, sheets),
            check_steered(response),
            check_outside_hours(response),
        ) if f is not None
    ]
    if flood:  # stored although its access point was over its rate limit (responses/ratelimit.py)
        findings.append(Finding(Rule.FLOOD, {"limit": settings.FORM_RATE_LIMIT_ACCESS_POINT}))
    if not sheets:
        return Assessment(findings, [], [])
    device, burst = _neighbours(response)
    if response.channel == Channel.TICKET:
        burst = []  # each ticket is one verified service: never a burst member (responses/bursts.py)
    elif not response.answers_digest:
        burst = _identical_answer_sets(response, sheets)
    repeats = _same_instrument(device if response.device_hash else [], sheets)
    if len(repeats) + 1 < settings.VALIDITY_REPEAT_DEVICE_FROM:  # + 1: this response (a shared phone)
        repeats = []
    if repeats:
        findings.append(Finding(Rule.REPEAT_DEVICE, {
            "window_hours": settings.VALIDITY_REPEAT_DEVICE_HOURS,
            "other_responses": [_ref(pk, at) for pk, at, _ in repeats[-20:]],
            "count": len(repeats),  # at most REPEAT_DEVICE_MAX
        }))
    if len(burst) + 1 <= settings.VALIDITY_BURST_MAX_IDENTICAL:  # + 1: this response
        burst = []
    elif _all_top(sheets) and not _top_volume_anomalous(response, len(burst) + 1):
        burst = []
    return Assessment(findings, repeats, burst)


def record_assessment(response: Response, assessment: Assessment, *, sheets: list[Scoresheet],
                      now: datetime) -> list[Flag]:
    """Stores the flags of an assessment for the saved `response`; returns its flags.

    A repeat device also flags the earlier response(s) it repeats, so the first of an officer's series is
    caught too; a burst flags its members that have no burst flag yet. Sets `response.flagged`; the caller
    copies it to scoresheets not yet inserted (pass the saved ones otherwise, they are marked here).
    """
    if not assessment.flagged:
        return []
    with transaction.atomic(savepoint=False):
        if assessment.repeats:
            Flag.objects.bulk_create([
                Flag(response_id=pk, rule=Rule.REPEAT_DEVICE, created_at=now, evidence={
                    "window_hours": settings.VALIDITY_REPEAT_DEVICE_HOURS,
                    "other_responses": [_ref(response.pk, response.created_at)],
                    "count": 1,
                })
                for pk, _, has_flag in assessment.repeats if not has_flag
            ], ignore_conflicts=True)
            mark_flagged(pk for pk, _, _ in assessment.repeats)
        flags = [Flag(response=response, rule=f.rule, evidence=f.evidence, created_at=now)
                 for f in assessment.findings]
        if assessment.burst:
            flags += _burst_flags(response, assessment.burst, sheets, now=now)
        Flag.objects.bulk_create(flags, ignore_conflicts=True)
        # The submit service saves the response already flagged (it assessed before the insert).
        mark_flagged(([] if response.flagged else [response.pk])
                     + [pk for pk, _, has_flag in assessment.burst if not has_flag])
    response.flagged = True
    return list(Flag.objects.filter(response=response))


def burst_evidence(*, access_point_id: int, count: int, members: list[int], first: datetime, last: datetime,
                   vector: tuple) -> dict:
    """What a reviewer sees of a burst: where, how many, which responses, when, and the shared answers."""
    return {
        "access_point_id": access_point_id,
        "window_minutes": settings.VALIDITY_BURST_WINDOW_MINUTES,
        "count": count,
        "responses": sorted(members),
        "first": first.isoformat(),
        "last": last.isoformat(),
        "vector": [{"version_id": v, "scores": [x for x in scores if x is not None]} for v, scores in vector],
    }


def _burst_flags(response: Response, rows: list, sheets: list[Scoresheet], *, now: datetime) -> list[Flag]:
    """Burst flags for the new response and the members without one, with the run as evidence. The
    periodic `detect_bursts` job refreshes the evidence of whole runs."""
    evidence = burst_evidence(
        access_point_id=response.access_point_id, count=len(rows) + 1,
        members=[pk for pk, _, _ in rows[: EVIDENCE_MAX_IDS - 1]] + [response.pk],
        first=min([at for _, at, _ in rows] + [response.created_at]), last=response.created_at,
        vector=answer_vector(sheets),
    )
    unflagged = [pk for pk, _, has_flag in rows if not has_flag] + [response.pk]
    return [Flag(response_id=pk, rule=Rule.BURST, evidence=evidence, created_at=now) for pk in sorted(unflagged)]


# --------------------------------------------------------------------------- storing flags
def mark_flagged(response_ids) -> None:
    """Sets `flagged` on the responses and, in the same transaction, on their scoresheet copies."""
    ids = list(response_ids)
    if not ids:
        return
    Response.objects.filter(pk__in=ids, flagged=False).update(flagged=True)
    Scoresheet.objects.filter(response_id__in=ids, flagged=False).update(flagged=True)


@transaction.atomic
def flag_new_response(response: Response, *, now: datetime | None = None) -> list[Flag]:
    """Runs every store-time rule on a saved Response and its saved Scoresheets; returns its flags.

    For responses stored outside the submit service (the simulation); safe to run twice.
    """
    now = now or timezone.now()
    sheets = list(response.scoresheets.select_related("version"))
    record_assessment(response, assess_new_response(response, sheets), sheets=sheets, now=now)
    return list(response.flags.all())


def _ref(pk: int, created_at: datetime) -> dict:
    return {"id": pk, "created_at": created_at.isoformat()}
