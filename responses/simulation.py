"""Synthetic traffic for demos and tests: honest respondents plus injected fraud, stored like real submissions.

`store_response` builds a Response and its Scoresheets and runs the store-time flag rules, as the public
form's submit service does; `simulate_traffic` uses it to produce a day of honest traffic with three
injected patterns (an officer filling 40 forms in 10 minutes from one device, a coordinated burst of
identical answers at a kiosk, and forms completed too fast), then runs the periodic burst scan.
"""
import hashlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from surveys.models import AccessPoint, InstrumentVersion, Period, Unit, UnitService

from . import bursts, validity
from .models import Response, Scoresheet
from .recompute import queue_recompute


def _device(label: str) -> str:
    return hashlib.sha256(f"simulation:{label}".encode()).hexdigest()


@transaction.atomic
def store_response(*, access_point: AccessPoint, period: Period, scores: dict[InstrumentVersion, list[int]],
                   created_at: datetime, completion_seconds: int | None, service: UnitService | None = None,
                   device_hash: str = "", steered: bool | None = False, channel: str | None = None) -> Response:
    """Stores one submission (Response + one Scoresheet per version) and flags it, in one transaction.
    `channel`: how it came in, by default the access point's (pass "ticket" for a redeemed survey ticket)."""
    unit = access_point.unit
    service = service or access_point.default_service or unit.services.filter(active=True).first()
    response = Response.objects.create(
        idempotency_key=uuid.uuid4(), period=period, unit=unit, access_point=access_point, service=service,
        channel=channel or access_point.channel, created_at=created_at, completion_seconds=completion_seconds,
        device_hash="" if access_point.channel == "kiosk" else device_hash, steered=steered,
    )
    Scoresheet.objects.bulk_create([
        Scoresheet(response=response, version=version, period=period, unit=unit, service=service,
                   **{f"score_{i}": value for i, value in enumerate(values, start=1)})
        for version, values in scores.items()
    ])
    validity.flag_new_response(response, now=created_at)
    return response


@dataclass
class SimulationResult:
    honest: list[int] = field(default_factory=list)
    officer_series: list[int] = field(default_factory=list)
    coordinated_burst: list[int] = field(default_factory=list)
    too_fast: list[int] = field(default_factory=list)

    @property
    def fraudulent(self) -> list[int]:
        return self.officer_series + self.coordinated_burst + self.too_fast


class Traffic:
    """Draws answers and timings; honest respondents read every statement and mostly agree."""

    def __init__(self, versions: list[InstrumentVersion], seed: int):
        self.rng = random.Random(seed)
        self.versions = versions
        self.items = {v: v.indicators.count() for v in versions}

    def honest_scores(self) -> dict[InstrumentVersion, list[int]]:
        out = {}
        for version, n in self.items.items():
            top = version.scale_max
            lean = self.rng.choice([top, top, top - 1, top - 1, top - 2])
            out[version] = [min(top, max(version.scale_min, lean + self.rng.choice([-1, 0, 0, 0, 1])))
                            for _ in range(n)]
        return out

    def uniform_scores(self, value_from_top: int = 0) -> dict[InstrumentVersion, list[int]]:
        return {v: [v.scale_max - value_from_top] * n for v, n in self.items.items()}

    def minimum_seconds(self) -> int:
        return int(sum(v.min_seconds_per_item * n for v, n in self.items.items()))


def _service_day(unit: Unit, day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    opens = datetime.combine(day, unit.opens_at or time(8, 0), tzinfo=tz)
    closes = datetime.combine(day, unit.closes_at or time(15, 0), tzinfo=tz)
    return opens, closes


def simulate_traffic(*, unit: Unit, period: Period, day: date, honest: int = 200, seed: int = 2026,
                     days: int = 5) -> SimulationResult:
    """Honest traffic over `days` service days ending on `day`, plus the three injected fraud patterns on `day`.

    Honest respondents include the harmless near-misses a real unit sees: satisfied people who answer the
    top score throughout but take their time, returning visitors on the same phone after more than 24 h,
    and forms finished shortly after the counter closes.
    """
    versions = period.versions_in_order()
    if not versions:
        raise ValueError("period has no instrument versions")
    points = list(unit.access_points.filter(enabled=True).order_by("pk"))
    if not points:
        raise ValueError("unit has no enabled access point")
    counter = next((p for p in points if p.channel != "kiosk"), points[0])
    kiosk = next((p for p in points if p.channel == "kiosk"), points[-1])
    traffic = Traffic(versions, seed)
    rng = traffic.rng
    minimum = traffic.minimum_seconds()
    result = SimulationResult()
    first_day = max(period.starts_on, day - timedelta(days=days - 1))
    span = (day - first_day).days + 1

    previous_at = None
    for k in range(honest):
        opens, closes = _service_day(unit, first_day + timedelta(days=k % span))
        created_at = opens + timedelta(seconds=rng.randrange(0, int((closes - opens).total_seconds())))
        scores = traffic.honest_scores()
        completion = rng.randrange(int(minimum * 2.5), int(minimum * 12))
        device = f"visitor-{seed}-{k}"
        point = counter if rng.random() < 0.7 else kiosk
        if k % 40 == 7:  # a satisfied respondent, top score throughout, at a normal pace
            scores = traffic.uniform_scores()
            completion = int(minimum * 2) + rng.randrange(0, 60)
        if k % 50 == 11:  # finished just after closing, within the grace period
            created_at = closes + timedelta(minutes=rng.randrange(1, settings.VALIDITY_SERVICE_HOURS_GRACE_MINUTES))
        if k % 50 == 23 and previous_at is not None:
            # a returning visitor: the previous respondent's phone, two days later (well over 24 h)
            later = timezone.localtime(previous_at, opens.tzinfo).date() + timedelta(days=2)
            if later <= day:
                device, point = f"visitor-{seed}-{k - 1}", counter
                created_at = _service_day(unit, later)[0] + timedelta(hours=1)
        result.honest.append(store_response(
            access_point=point, period=period, scores=scores, created_at=created_at,
            completion_seconds=completion, device_hash=_device(device),
        ).pk)
        previous_at = created_at

    opens, closes = _service_day(unit, day)
    # One officer fills 40 forms in 10 minutes on one phone, all glowing, each in about 15 seconds.
    start = opens + timedelta(hours=2)
    for k in range(40):
        result.officer_series.append(store_response(
            access_point=counter, period=period, scores=traffic.honest_scores() if k % 3 else traffic.uniform_scores(),
            created_at=start + timedelta(seconds=15 * k), completion_seconds=rng.randrange(30, 60),
            device_hash=_device(f"officer-phone-{seed}"),
        ).pk)
    # A coordinated burst: eight identical answer sets at the kiosk within six minutes, at a plausible pace.
    start = opens + timedelta(hours=4)
    burst_scores = traffic.honest_scores()
    for k in range(8):
        result.coordinated_burst.append(store_response(
            access_point=kiosk, period=period, scores=burst_scores,
            created_at=start + timedelta(seconds=45 * k), completion_seconds=rng.randrange(minimum * 3, minimum * 6),
        ).pk)
    # Forms clicked through faster than anyone can read them, from different phones through the day.
    for k in range(10):
        result.too_fast.append(store_response(
            access_point=counter, period=period, scores=traffic.honest_scores(),
            created_at=opens + timedelta(minutes=25 + 37 * k), completion_seconds=rng.randrange(3, minimum),
            device_hash=_device(f"fast-{seed}-{k}"),
        ).pk)
    bursts.detect_bursts(since=datetime.combine(first_day, time(0), tzinfo=opens.tzinfo),
                           until=closes + timedelta(hours=2), access_point_ids=[p.pk for p in points])
    queue_recompute(unit_id=unit.pk, period_id=period.pk)
    return result


def flagged_among(ids: list[int]) -> int:
    return Response.objects.filter(pk__in=ids, flagged=True).count()
