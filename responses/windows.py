"""Window-level validity signals (docs/validity.md): patterns no single response shows.

A scheduled job (`detect_windows`, in CELERY_BEAT_SCHEDULE) looks at recent hours and records a ReviewWindow
for each improbable one, shown in the Kanwil review queue. Its responses are not flagged one by one (an
honest respondent who came in the same hour did nothing wrong): a Kanwil decision on the window rejects or
reinstates all of them through the audited review service (which queues the recompute).

- volume: an hour whose count at a unit or access point is improbable under a Poisson law whose rate is a
  high quantile of the place's own active hours in the baseline (robust to the spike itself);
- kiosk cadence: at a kiosk, forms opened sooner after the previous submission than a person can walk up;
- refusals: one device refused by its rate limit again and again (responses/ratelimit.py counts them).
"""
import math
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RefusedSubmission, Response, ReviewWindow

Kind = ReviewWindow.Kind
HOUR = timedelta(hours=1)


# --------------------------------------------------------------------------- pure maths
def poisson_tail(count: int, rate: float) -> float:
    """P(X >= count) for X ~ Poisson(rate)."""
    if count <= 0:
        return 1.0
    term = math.exp(-rate)
    below = term
    for k in range(1, count):
        term *= rate / k
        below += term
    return max(0.0, 1.0 - below)


def baseline_rate(history: list[int]) -> float:
    """A robust hourly rate: the VALIDITY_WINDOW_BASELINE_QUANTILE of the active hours' counts (never below
    VALIDITY_WINDOW_MIN_RATE), so a handful of spiking hours do not raise their own baseline."""
    floor = settings.VALIDITY_WINDOW_MIN_RATE
    if not history:
        return floor
    ordered = sorted(history)
    index = min(len(ordered) - 1, int(settings.VALIDITY_WINDOW_BASELINE_QUANTILE * len(ordered)))
    return max(floor, float(ordered[index]))


def improbable(count: int, history: list[int]) -> tuple[bool, float, float]:
    """(whether `count` in one hour is improbable given the place's history, the rate, the tail probability)."""
    rate = baseline_rate(history)
    tail = poisson_tail(count, rate)
    return count >= settings.VALIDITY_WINDOW_MIN_COUNT and tail < settings.VALIDITY_WINDOW_VOLUME_P, rate, tail


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


# --------------------------------------------------------------------------- the job
def detect_windows(*, now: datetime | None = None) -> list[ReviewWindow]:
    """Records the improbable windows among the last VALIDITY_WINDOW_SCAN_HOURS; returns the new ones.

    Idempotent: a window already recorded (same kind, place and start) is left as it is.
    """
    now = now or timezone.now()
    since = _hour(now) - timedelta(hours=settings.VALIDITY_WINDOW_SCAN_HOURS)
    found = _volume_windows(since, now) + _kiosk_windows(since, now) + _refusal_windows(since, now)
    created = []
    with transaction.atomic():
        for window in found:
            obj, made = ReviewWindow.objects.get_or_create(
                kind=window.kind, unit_id=window.unit_id, access_point_id=window.access_point_id,
                device_hash=window.device_hash, starts_at=window.starts_at,
                defaults={"ends_at": window.ends_at, "response_ids": window.response_ids,
                          "evidence": window.evidence, "detected_at": now})
            if made:
                created.append(obj)
    return created


def _refused(access_point_ids, start: datetime, end: datetime) -> int:
    rows = RefusedSubmission.objects.filter(access_point_id__in=access_point_ids, hour__gte=_hour(start),
                                            hour__lt=end)
    return sum(rows.values_list("count", flat=True))


def _volume_windows(since: datetime, now: datetime) -> list[ReviewWindow]:
    start = since - timedelta(days=settings.VALIDITY_WINDOW_BASELINE_DAYS)
    rows = list(Response.objects.filter(created_at__gte=start, created_at__lte=now)
                .values_list("pk", "unit_id", "access_point_id", "created_at"))
    counts: dict[tuple, Counter] = defaultdict(Counter)  # place -> hour -> count
    members: dict[tuple, list[int]] = defaultdict(list)
    points_of: dict[int, set[int]] = defaultdict(set)
    for pk, unit_id, point_id, created_at in rows:
        hour = _hour(created_at)
        points_of[unit_id].add(point_id)
        for place in (("unit", unit_id, None), ("point", unit_id, point_id)):
            counts[place][hour] += 1
            if hour >= since:
                members[(place, hour)].append(pk)
    # Hours already found improbable (and not reinstated) stay out of the baseline: a jump that lasts days
    # must not become its own normal.
    excluded = {(("point", w.unit_id, w.access_point_id) if w.access_point_id else ("unit", w.unit_id, None),
                 w.starts_at)
                for w in ReviewWindow.objects.filter(kind=Kind.VOLUME, starts_at__gte=start)
                .exclude(status=ReviewWindow.Status.REINSTATED)}
    windows = []
    for place, by_hour in counts.items():
        history = [n for hour, n in by_hour.items() if hour < since and (place, hour) not in excluded]
        for hour, n in by_hour.items():
            if hour < since:
                continue
            yes, rate, tail = improbable(n, history)
            if not yes:
                continue
            _, unit_id, point_id = place
            points = [point_id] if point_id else sorted(points_of[unit_id])
            windows.append(ReviewWindow(
                kind=Kind.VOLUME, unit_id=unit_id, access_point_id=point_id, starts_at=hour, ends_at=hour + HOUR,
                response_ids=sorted(members[(place, hour)]),
                evidence={"count": n, "baseline_rate": rate, "tail_probability": tail,
                          "history_hours": len(history), "refused": _refused(points, hour, hour + HOUR)}))
    return windows


def _kiosk_windows(since: datetime, now: datetime) -> list[ReviewWindow]:
    rows = (Response.objects.filter(access_point__kiosk=True, created_at__gte=since - HOUR, created_at__lte=now)
            .order_by("access_point_id", "created_at")
            .values_list("pk", "unit_id", "access_point_id", "created_at", "completion_seconds"))
    gap = timedelta(seconds=settings.VALIDITY_KIOSK_MIN_GAP_SECONDS)
    quick: dict[tuple, list[int]] = defaultdict(list)
    gaps: dict[tuple, list[float]] = defaultdict(list)
    previous: dict[int, datetime] = {}
    for pk, unit_id, point_id, created_at, seconds in rows:
        before = previous.get(point_id)
        previous[point_id] = created_at
        if before is None or seconds is None or created_at < since:
            continue
        opened_after = created_at - timedelta(seconds=seconds) - before
        if opened_after < gap:
            key = (unit_id, point_id, _hour(created_at))
            quick[key].append(pk)
            gaps[key].append(opened_after.total_seconds())
    return [
        ReviewWindow(kind=Kind.KIOSK_CADENCE, unit_id=unit_id, access_point_id=point_id, starts_at=hour,
                     ends_at=hour + HOUR, response_ids=sorted(ids),
                     evidence={"count": len(ids), "shortest_gap_seconds": min(gaps[(unit_id, point_id, hour)]),
                               "refused": _refused([point_id], hour, hour + HOUR)})
        for (unit_id, point_id, hour), ids in quick.items() if len(ids) >= settings.VALIDITY_KIOSK_MIN_RUN
    ]


def _refusal_windows(since: datetime, now: datetime) -> list[ReviewWindow]:
    totals: Counter = Counter()
    first: dict[tuple, datetime] = {}
    units = {}
    for point_id, unit_id, device, hour, n in (
            RefusedSubmission.objects.filter(hour__gte=since, hour__lte=now).exclude(device_hash="")
            .values_list("access_point_id", "access_point__unit_id", "device_hash", "hour", "count")):
        totals[(point_id, device)] += n
        first[(point_id, device)] = min(hour, first.get((point_id, device), hour))
        units[point_id] = unit_id
    spread = timedelta(hours=settings.VALIDITY_REPEAT_DEVICE_HOURS)
    windows = []
    for (point_id, device), n in totals.items():
        if n < settings.VALIDITY_WINDOW_REFUSALS:
            continue
        start = first[(point_id, device)] - spread
        ids = list(Response.objects.filter(unit_id=units[point_id], device_hash=device, created_at__gte=start,
                                           created_at__lte=now).order_by("pk").values_list("pk", flat=True))
        windows.append(ReviewWindow(kind=Kind.REFUSALS, unit_id=units[point_id], access_point_id=point_id,
                                    device_hash=device, starts_at=start, ends_at=now, response_ids=ids,
                                    evidence={"refused": n, "count": len(ids)}))
    return windows
