"""The periodic burst scan (docs/methodology.md §6): identical answer sets at one access point within a window.

Store-time detection (responses/validity.py) cannot see concurrent submissions' uncommitted rows; this scan,
run by a beat job over recent responses, flags whole runs and refreshes their evidence. Idempotent.

Ticketed responses (channel "ticket") never count towards a burst, neither as members nor as the others a set
is compared with: each ticket is one verified service handed to one person, so two ticket holders giving the
same answers is no sign of one hand filling many forms. They stay under every other rule (repeat device, too
fast) and in the window signals (volume, answer shift, responses above the service count), which is where an
officer redeeming a stack of tickets himself shows.
"""
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from surveys.models import InstrumentVersion

from .models import Channel, Flag, Response, Scoresheet
from .recompute import queue_recompute_on_commit
from .validity import SCORE_FIELDS, Rule, answer_vector, burst_evidence, mark_flagged


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
    responses = (Response.objects.filter(created_at__gte=since - window, created_at__lte=until + window)
                 .exclude(channel=Channel.TICKET))
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
            top = _all_top_vector(vector)
            for run in burst_runs(items):
                if top and not _run_volume_anomalous(run, access_point_id, rows, window):
                    continue  # satisfied respondents at a busy access point
                newly += _flag_burst(run, access_point_id, vector, rows, now)
        mark_flagged(newly)
        queue_recompute_on_commit((rows[pk]["unit_id"], rows[pk]["period_id"]) for pk in newly)
    return newly


def _all_top_vector(vector: tuple) -> bool:
    """Whether every score of the answer vector is its version's scale maximum."""
    tops = dict(InstrumentVersion.objects.filter(pk__in=[v for v, _ in vector]).values_list("pk", "scale_max"))
    return all(x is None or x == tops.get(v) for v, scores in vector for x in scores)


def _run_volume_anomalous(run: list[int], access_point_id: int, rows: dict, window: timedelta) -> bool:
    """A run of all-top sets is a burst only when it is at least VALIDITY_TOP_BURST_MIN_SHARE of every
    response at its access point from the window before its last member to its last member."""
    last = max(rows[pk]["created_at"] for pk in run)
    total = Response.objects.filter(access_point_id=access_point_id, created_at__gte=last - window,
                                    created_at__lte=last).count()
    inside = sum(1 for pk in run if rows[pk]["created_at"] >= last - window)
    return inside >= settings.VALIDITY_TOP_BURST_MIN_SHARE * total


def _flag_burst(run: list[int], access_point_id: int, vector: tuple, rows: dict, now: datetime) -> list[int]:
    times = sorted(rows[pk]["created_at"] for pk in run)
    evidence = burst_evidence(access_point_id=access_point_id, count=len(run), members=run, first=times[0],
                              last=times[-1], vector=vector)
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
