"""Window-level validity signals (docs/validity.md): patterns no single response shows.

A scheduled job (`detect_windows`, in CELERY_BEAT_SCHEDULE) looks at recent hours and records a ReviewWindow
for each improbable one, shown in the Kanwil review queue. Its responses are not flagged one by one (an
honest respondent who came in the same hour did nothing wrong): a Kanwil decision on the window rejects or
reinstates all of them through the audited review service (which queues the recompute).

- volume: an hour whose count at a unit or access point is improbable under a Poisson law whose rate is a
  high quantile of the place's own active hours in the baseline (robust to the spike itself);
- kiosk cadence: at a kiosk, forms opened sooner after the previous submission than a person can walk up;
- refusals: one device refused by its rate limit again and again (responses/ratelimit.py counts them);
- answer shift: an access point's day with improbably few responses giving any score in the scale's lower half,
  against the rest of its unit and the rest of its Kanwil (one-sided Fisher exact test): the officer who
  fills forms at a poster with varied but uniformly favourable answers;
- service day: a service's day at a unit that enters service counts with more counted responses than people
  served, or responses on a day with no or zero recorded service (surveys.service_counts.odd_day).

The last two are re-evaluated while they are open: a later run extends an open window (its responses and
evidence) instead of recording it again.
"""
import math
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import TruncDate
from django.db.models.lookups import LessThan
from django.utils import timezone

from surveys.models import ServiceCount
from surveys.service_counts import odd_day, served_by_day

from .models import RefusedSubmission, Response, ReviewWindow, Scoresheet
from .validity import SCORE_FIELDS

Kind = ReviewWindow.Kind
HOUR = timedelta(hours=1)
EXTENDED = {Kind.ANSWER_SHIFT, Kind.SERVICE_DAY}  # open windows of these kinds follow later runs


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


def _log_choose(a: int, b: int) -> float:
    return math.lgamma(a + 1) - math.lgamma(b + 1) - math.lgamma(a - b + 1)


def fisher_lower_tail(low: int, n: int, reference_low: int, reference_n: int) -> float:
    """One-sided Fisher exact test: P(at most `low` of `n` responses with a low score), the `n` drawn without
    replacement from the pooled n + reference_n responses of which low + reference_low have one.

    Small when the place has far fewer low-score responses than its reference would give it by chance.
    """
    total, successes = n + reference_n, low + reference_low
    smallest = max(0, n - (total - successes))
    if n == 0 or low < smallest:
        return 1.0
    base = _log_choose(total, n)
    tail = sum(math.exp(_log_choose(successes, i) + _log_choose(total - successes, n - i) - base)
               for i in range(smallest, min(low, successes) + 1))
    return min(1.0, tail)


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.get_default_timezone())


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


# --------------------------------------------------------------------------- the job
def detect_windows(*, now: datetime | None = None) -> list[ReviewWindow]:
    """Records the improbable windows among the last VALIDITY_WINDOW_SCAN_HOURS; returns the new ones.

    Idempotent: a window already recorded (same kind, place, service and start) is not recorded again; an
    open answer-shift or service-day window found again takes the run's responses and evidence (extended).
    """
    now = now or timezone.now()
    since = _hour(now) - timedelta(hours=settings.VALIDITY_WINDOW_SCAN_HOURS)
    found = (_volume_windows(since, now) + _kiosk_windows(since, now) + _refusal_windows(since, now)
             + _shift_windows(since, now) + _service_day_windows(now))
    created = []
    with transaction.atomic():
        for window in found:
            obj, made = ReviewWindow.objects.get_or_create(
                kind=window.kind, unit_id=window.unit_id, access_point_id=window.access_point_id,
                service_id=window.service_id, device_hash=window.device_hash, starts_at=window.starts_at,
                defaults={"ends_at": window.ends_at, "response_ids": window.response_ids,
                          "evidence": window.evidence, "detected_at": now})
            if made:
                created.append(obj)
            elif (obj.kind in EXTENDED and obj.status == ReviewWindow.Status.OPEN
                  and (obj.response_ids, obj.evidence) != (window.response_ids, window.evidence)):
                obj.response_ids, obj.evidence, obj.ends_at = window.response_ids, window.evidence, window.ends_at
                obj.save(update_fields=["response_ids", "evidence", "ends_at"])
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


# --------------------------------------------------------------------------- answer-distribution shift
def low_score_sheets():
    """Scoresheets with at least one score in the lower half of their version's scale (2 × score < min + max:
    1 and 2 on a 1–4 scale, 1 and 2 on a 1–5 scale, whose middle 3 is neither half)."""
    middle_twice = F("version__scale_min") + F("version__scale_max")
    condition = Q()
    for field in SCORE_FIELDS:
        condition |= Q(LessThan(F(field) * 2, middle_twice))
    return Scoresheet.objects.filter(condition)


def _shift_windows(since: datetime, now: datetime) -> list[ReviewWindow]:
    """Per access point and local day of the scan: the share of counted responses with any low score, tested
    against the access point's unit without it and its Kanwil without the unit, each over the
    VALIDITY_WINDOW_BASELINE_DAYS before and including that day. A window when every reference with at least
    VALIDITY_SHIFT_MIN_REFERENCE responses (and at least one has) gives p < VALIDITY_SHIFT_P, the day having
    at least VALIDITY_SHIFT_MIN_N responses."""
    tz = timezone.get_default_timezone()
    first, last = _local_day(since), _local_day(now)
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    span = timedelta(days=settings.VALIDITY_WINDOW_BASELINE_DAYS)
    start = _day_start(days[0] - span)
    low = low_score_sheets().filter(response=OuterRef("pk"))
    rows = (Response.objects.counted().filter(created_at__gte=start, created_at__lte=now)
            .filter(Exists(Scoresheet.objects.filter(response=OuterRef("pk")))).order_by()
            .annotate(day=TruncDate("created_at", tzinfo=tz))
            .values_list("unit__kanwil_id", "unit_id", "access_point_id", "day")
            .annotate(n=Count("pk"), low=Count("pk", filter=Exists(low))))
    cells = [(kanwil, unit, point, day, n, k) for kanwil, unit, point, day, n, k in rows]
    windows = []
    for day in days:
        point_sum: dict = defaultdict(lambda: [0, 0])
        unit_sum: dict = defaultdict(lambda: [0, 0])
        kanwil_sum: dict = defaultdict(lambda: [0, 0])
        today: dict = {}
        for kanwil, unit, point, cell_day, n, k in cells:
            if not day - span <= cell_day <= day:
                continue
            for bucket in (point_sum[point], unit_sum[unit], kanwil_sum[kanwil]):
                bucket[0] += n
                bucket[1] += k
            if cell_day == day:
                today[point] = (kanwil, unit, n, k)
        for point, (kanwil, unit, n, k) in today.items():
            if n < settings.VALIDITY_SHIFT_MIN_N:
                continue
            references = {
                "unit_rest": (unit_sum[unit][0] - point_sum[point][0], unit_sum[unit][1] - point_sum[point][1]),
                "kanwil_rest": (kanwil_sum[kanwil][0] - unit_sum[unit][0],
                                kanwil_sum[kanwil][1] - unit_sum[unit][1]),
            }
            tests = {name: {"responses": m, "low": j, "p_value": fisher_lower_tail(k, n, j, m)}
                     for name, (m, j) in references.items() if m >= settings.VALIDITY_SHIFT_MIN_REFERENCE}
            if not tests or any(t["p_value"] >= settings.VALIDITY_SHIFT_P for t in tests.values()):
                continue
            begins = _day_start(day)
            ids = list(Response.objects.counted()
                       .filter(access_point_id=point, created_at__gte=begins, created_at__lt=begins + timedelta(days=1))
                       .filter(Exists(Scoresheet.objects.filter(response=OuterRef("pk"))))
                       .order_by("pk").values_list("pk", flat=True))
            windows.append(ReviewWindow(
                kind=Kind.ANSWER_SHIFT, unit_id=unit, access_point_id=point, starts_at=begins,
                ends_at=begins + timedelta(days=1), response_ids=ids,
                evidence={"responses": n, "low": k, "reference_days": settings.VALIDITY_WINDOW_BASELINE_DAYS,
                          "unit_rest": tests.get("unit_rest"), "kanwil_rest": tests.get("kanwil_rest")}))
    return windows


# --------------------------------------------------------------------------- responses above service counts
def _service_day_windows(now: datetime) -> list[ReviewWindow]:
    """Odd service days (surveys.service_counts.odd_day) of the last VALIDITY_SERVICE_DAYS_BACK days, at units
    that enter service counts, up to the last day each unit has entered (a day not yet entered is not a day of
    zero service: counts are often entered in bulk after the fact)."""
    tz = timezone.get_default_timezone()
    today = _local_day(now)
    first = today - timedelta(days=settings.VALIDITY_SERVICE_DAYS_BACK)
    entered_through = dict(ServiceCount.objects.filter(day__range=(first, today)).order_by()
                           .values_list("service__unit_id").annotate(last=Max("day")).values_list("service__unit_id",
                                                                                                 "last"))
    if not entered_through:
        return []
    served = served_by_day(list(entered_through), first, today)
    counted = (Response.objects.counted().filter(unit_id__in=list(entered_through), created_at__gte=_day_start(first),
                                                 created_at__lte=now).order_by()
               .annotate(day=TruncDate("created_at", tzinfo=tz))
               .values_list("unit_id", "service_id", "day").annotate(n=Count("pk")))
    responses = {(unit, service, day): n for unit, service, day, n in counted}
    windows = []
    for unit, service, day in sorted(responses):
        if day > entered_through[unit] or not odd_day(served=served.get((unit, service, day)),
                                                       responses=responses[(unit, service, day)]):
            continue
        begins = _day_start(day)
        ids = list(Response.objects.counted()
                   .filter(unit_id=unit, service_id=service, created_at__gte=begins,
                           created_at__lt=begins + timedelta(days=1))
                   .order_by("pk").values_list("pk", flat=True))
        windows.append(ReviewWindow(
            kind=Kind.SERVICE_DAY, unit_id=unit, service_id=service, starts_at=begins,
            ends_at=begins + timedelta(days=1), response_ids=ids,
            evidence={"responses": responses[(unit, service, day)], "served": served.get((unit, service, day), 0),
                      "recorded": (unit, service, day) in served}))
    return windows
