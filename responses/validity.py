"""Soft validity flags (methodology section 6): one small function per rule, stored as Flag rows.

Flags never change or delete answers; they only mark a Response (and its Scoresheets) as `flagged`
and keep the evidence a reviewer needs. Thresholds live on the instrument version (minimum plausible
time per item) or in settings (VALIDITY_*), never in this module.

Cheap rules run inside the submit transaction through `flag_new_response`, including a one-query burst
check for the submission's own access point; because concurrent submissions cannot see each other's
uncommitted rows, and to refresh the evidence of whole runs, bursts are also found by a periodic job
(`detect_bursts`, see responses/tasks.py).
"""
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.module_loading import import_string

from surveys.models import MAX_INDICATORS

from .models import Flag, Response, Scoresheet

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
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))


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
    """The same score on every item together with a fast time.

    "Fast" is below VALIDITY_STRAIGHT_LINING_TIME_FACTOR × the minimum plausible time: a satisfied
    respondent who reads every statement and answers 4 throughout is not flagged.
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


def repeat_device_matches(response: Response, sheets: list[Scoresheet]):
    """Earlier responses from the same device at the same unit on the same instrument within the window.

    The window (VALIDITY_REPEAT_DEVICE_HOURS, default 24 h) is inclusive: exactly 24 h earlier still counts.
    Kiosk submissions carry no device hash and are never matched.
    """
    if not response.device_hash or not sheets:
        return Response.objects.none()
    window = timedelta(hours=settings.VALIDITY_REPEAT_DEVICE_HOURS)
    instruments = {sheet.version.instrument_id for sheet in sheets}
    return (
        Response.objects.filter(
            unit_id=response.unit_id,
            device_hash=response.device_hash,
            created_at__gte=response.created_at - window,
            created_at__lte=response.created_at,
            scoresheets__version__instrument_id__in=instruments,
        )
        .exclude(pk=response.pk)
        .distinct()
        .order_by("created_at")
    )


# --------------------------------------------------------------------------- storing flags
def mark_flagged(response_ids) -> None:
    """Sets `flagged` on the responses and, in the same transaction, on their scoresheet copies."""
    ids = list(response_ids)
    if not ids:
        return
    Response.objects.filter(pk__in=ids, flagged=False).update(flagged=True)
    Scoresheet.objects.filter(response_id__in=ids, flagged=False).update(flagged=True)


def _store(response: Response, findings: list[Finding], now: datetime) -> list[Flag]:
    flags = [Flag(response=response, rule=f.rule, evidence=f.evidence, created_at=now) for f in findings]
    Flag.objects.bulk_create(flags, ignore_conflicts=True)
    return list(Flag.objects.filter(response=response, rule__in=[f.rule for f in findings]))


@transaction.atomic
def flag_new_response(response: Response, *, now: datetime | None = None,
                      sheets: list[Scoresheet] | None = None) -> list[Flag]:
    """Runs every store-time rule on a just-created Response; returns its flags and sets `response.flagged`.

    Called by the submit service inside its transaction with the response's Scoresheets not yet inserted
    (`sheets`, each with its `version` set), so the running totals that their INSERT locks are held only to
    the commit; the caller then inserts them with `flagged` copied from the response. Without `sheets` the
    saved ones are read. A repeat device also flags the earlier response(s) it repeats, so the first of an
    officer's series is caught too.
    """
    now = now or timezone.now()
    if sheets is None:
        sheets = list(response.scoresheets.select_related("version"))
    findings = [
        f for f in (
            check_too_fast(response, sheets),
            check_straight_lining(response, sheets),
            check_steered(response),
            check_outside_hours(response),
        ) if f is not None
    ]
    earlier = list(repeat_device_matches(response, sheets)[:50])
    if earlier:
        findings.append(Finding(Rule.REPEAT_DEVICE, {
            "window_hours": settings.VALIDITY_REPEAT_DEVICE_HOURS,
            "other_responses": [_ref(r) for r in earlier[-20:]],
            "count": len(earlier),
        }))
        already = set(Flag.objects.filter(response__in=earlier, rule=Rule.REPEAT_DEVICE)
                      .values_list("response_id", flat=True))
        Flag.objects.bulk_create([
            Flag(response=r, rule=Rule.REPEAT_DEVICE, created_at=now, evidence={
                "window_hours": settings.VALIDITY_REPEAT_DEVICE_HOURS,
                "other_responses": [_ref(response)],
                "count": 1,
            })
            for r in earlier if r.pk not in already
        ], ignore_conflicts=True)
        mark_flagged(r.pk for r in earlier)
    flags = _store(response, findings, now) if findings else []
    if flags:
        mark_flagged([response.pk])
        response.flagged = True
    if detect_burst_at_store_time(response, sheets, now=now):
        response.flagged = True
    return list(response.flags.all())


def detect_burst_at_store_time(response: Response, sheets: list[Scoresheet], *, now: datetime) -> bool:
    """The burst rule for one new response, cheaply: the database counts the responses at the same access
    point in the window ending now whose every scoresheet is identical. Members without a burst flag are
    flagged; the periodic `detect_bursts` job refreshes the evidence of whole runs and catches concurrent
    submissions. Costs one indexed query per submission however busy the counter (no per-run rewrites).
    """
    window = timedelta(minutes=settings.VALIDITY_BURST_WINDOW_MINUTES)
    # One query: the access point's responses in the window (its index), joined once per scoresheet of
    # this response on (response, version) with every score equal; whether each already has a burst flag.
    others = Response.objects.filter(access_point_id=response.access_point_id,
                                     created_at__gte=response.created_at - window,
                                     created_at__lte=response.created_at).exclude(pk=response.pk)
    if response.answers_digest:  # the submit path: one range of the (access point, digest, time) index
        others = others.filter(answers_digest=response.answers_digest)
    else:  # rows stored without a digest: compare the scoresheets themselves
        for sheet in sheets:
            # Same version means the same items (every item is required), so the answered columns suffice.
            scores = {f"scoresheets__{f}": v for f in SCORE_FIELDS if (v := getattr(sheet, f)) is not None}
            others = others.filter(scoresheets__version_id=sheet.version_id, **scores)
    rows = list(others.annotate(has_flag=Exists(Flag.objects.filter(response=OuterRef("pk"), rule=Rule.BURST)))
                .order_by("pk").values_list("pk", "created_at", "has_flag"))
    if len(rows) + 1 <= settings.VALIDITY_BURST_MAX_IDENTICAL:  # + 1: this response
        return False
    unflagged = [pk for pk, _, has_flag in rows if not has_flag] + [response.pk]
    members = [pk for pk, _, _ in rows[: EVIDENCE_MAX_IDS - 1]] + [response.pk]
    evidence = {
        "access_point_id": response.access_point_id,
        "window_minutes": settings.VALIDITY_BURST_WINDOW_MINUTES,
        "count": len(rows) + 1,
        "responses": sorted(members),
        "first": min([at for _, at, _ in rows] + [response.created_at]).isoformat(),
        "last": response.created_at.isoformat(),
        "vector": [{"version_id": v, "scores": [x for x in scores if x is not None]}
                   for v, scores in answer_vector(sheets)],
    }
    Flag.objects.bulk_create([Flag(response_id=pk, rule=Rule.BURST, evidence=evidence, created_at=now)
                              for pk in sorted(unflagged)], ignore_conflicts=True)
    mark_flagged(unflagged)
    return True


def _ref(response: Response) -> dict:
    return {"id": response.pk, "created_at": response.created_at.isoformat()}


# --------------------------------------------------------------------------- bursts
def burst_runs(items: list[tuple[datetime, int]]) -> list[list[int]]:
    """Groups of response ids forming a burst, from (created_at, id) pairs sharing one answer vector.

    A burst is more than VALIDITY_BURST_MAX_IDENTICAL responses whose first and last are at most
    VALIDITY_BURST_WINDOW_MINUTES apart (inclusive). Overlapping bursts merge into one run.
    """
    limit = settings.VALIDITY_BURST_MAX_IDENTICAL
    window = timedelta(minutes=settings.VALIDITY_BURST_WINDOW_MINUTES)
    items = sorted(items)
    marked = [False] * len(items)
    end = 0
    for start in range(len(items)):
        end = max(end, start)
        while end + 1 < len(items) and items[end + 1][0] - items[start][0] <= window:
            end += 1
        if end - start + 1 > limit:
            for k in range(start, end + 1):
                marked[k] = True
    runs: list[list[int]] = []
    previous = None
    for k, (moment, pk) in enumerate(items):
        if not marked[k]:
            previous = None
            continue
        if previous is None or moment - items[previous][0] > window:
            runs.append([])
        runs[-1].append(pk)
        previous = k
    return runs


def detect_bursts(*, since: datetime, until: datetime, now: datetime | None = None,
                  access_point_ids: list[int] | None = None) -> list[int]:
    """Flags every burst touching responses received between `since` and `until`; returns newly flagged ids.

    Idempotent: running it twice over the same rows flags nothing new. Newly flagged responses'
    unit-periods are recomputed after commit.
    """
    now = now or timezone.now()
    window = timedelta(minutes=settings.VALIDITY_BURST_WINDOW_MINUTES)
    responses = Response.objects.filter(created_at__gte=since - window, created_at__lte=until + window)
    if access_point_ids is not None:
        responses = responses.filter(access_point_id__in=access_point_ids)
    rows = {r["pk"]: r for r in responses.values("pk", "created_at", "access_point_id", "unit_id", "period_id")}
    if not rows:
        return []
    sheets = defaultdict(list)
    for sheet in Scoresheet.objects.filter(response_id__in=rows).only("response_id", "version_id", *SCORE_FIELDS):
        sheets[sheet.response_id].append(sheet)
    groups = defaultdict(list)
    for pk, sheet_list in sheets.items():
        row = rows[pk]
        groups[(row["access_point_id"], answer_vector(sheet_list))].append((row["created_at"], pk))
    newly: list[int] = []
    with transaction.atomic():
        for (access_point_id, vector), items in groups.items():
            for run in burst_runs(items):
                newly += _flag_burst(run, access_point_id, vector, rows, now)
        mark_flagged(newly)
        for unit_id, period_id in {(rows[pk]["unit_id"], rows[pk]["period_id"]) for pk in newly}:
            transaction.on_commit(lambda u=unit_id, p=period_id: queue_recompute(unit_id=u, period_id=p))
    return newly


def _flag_burst(run: list[int], access_point_id: int, vector: tuple, rows: dict, now: datetime) -> list[int]:
    times = sorted(rows[pk]["created_at"] for pk in run)
    evidence = {
        "access_point_id": access_point_id,
        "window_minutes": settings.VALIDITY_BURST_WINDOW_MINUTES,
        "count": len(run),
        "responses": sorted(run),
        "first": times[0].isoformat(),
        "last": times[-1].isoformat(),
        "vector": [{"version_id": v, "scores": [s for s in scores if s is not None]} for v, scores in vector],
    }
    existing = set(Flag.objects.filter(response_id__in=run, rule=Rule.BURST).values_list("response_id", flat=True))
    Flag.objects.filter(response_id__in=existing, rule=Rule.BURST).update(evidence=evidence)
    new = [pk for pk in run if pk not in existing]
    Flag.objects.bulk_create(
        [Flag(response_id=pk, rule=Rule.BURST, evidence=evidence, created_at=now) for pk in new],
        ignore_conflicts=True,
    )
    return new


def detect_recent_bursts(*, now: datetime | None = None) -> list[int]:
    """The periodic job's body: bursts among the last VALIDITY_BURST_SCAN_HOURS of responses."""
    now = now or timezone.now()
    return detect_bursts(since=now - timedelta(hours=settings.VALIDITY_BURST_SCAN_HOURS), until=now, now=now)


def queue_recompute(*, unit_id: int, period_id: int) -> None:
    """Asks the index engine (settings.RECOMPUTE_HOOK) to recompute; a failure is logged, never raised.

    The engine lives in `reporting`, which `responses` may not import; the hook may be missing in a
    partial deployment or its broker may be down, and neither must undo a stored response or decision.
    """
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
