"""bench/validity: honest traffic over several units and access points plus injected patterns, through the
real submit service, burst scan and window job; prints what share of each pattern ends up flagged or in a
reviewable window, and the share of honest responses flagged. Targets: >= 80 % caught, <= 1 % honest.

Runs on a fresh SQLite file (var/bench-validity.sqlite3) with the demo organisation. Rate limits are
counted in real time, so they are applied to the flood pattern only (honest traffic is replayed in seconds).
"""
import math
import os
import random
import sys
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench-validity.sqlite3"
DAYS = 14
TARGET_CAUGHT, TARGET_HONEST = 0.80, 0.01


def setup() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("SECRET_KEY", "bench-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["FORM_RATE_LIMIT_STORAGE_URL"] = "memory://"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spakspkp.settings")
    sys.path.insert(0, str(ROOT))
    DB.parent.mkdir(exist_ok=True)
    if DB.exists():
        DB.unlink()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


class Bench:
    def __init__(self, today: date):
        from django.utils import timezone

        from surveys.demo import load_demo
        from surveys.models import AccessPoint, Period, Unit

        load_demo(today)
        self.period = Period.objects.current()
        self.versions = self.period.versions_in_order()
        self.tz = timezone.get_default_timezone()
        self.rng = random.Random(2026)
        self.units = list(Unit.objects.active().order_by("code")[:6])
        self.points = {}
        for unit in self.units:
            counter = AccessPoint.objects.create(unit=unit, name="Bench loket")
            kiosk = AccessPoint.objects.create(unit=unit, name="Bench kios", kiosk=True)
            self.points[unit.pk] = (counter, kiosk)
        # Unit 4 also has a poster in the waiting room (a fifth of its visitors answer there); unit 5 enters
        # its service counts every day, reaching 70-95 % of the people it serves (a unit pushing the survey).
        self.poster = AccessPoint.objects.create(unit=self.units[4], name="Bench poster")
        self.counting = self.units[5]
        self.items = {v.pk: v.indicators.count() for v in self.versions}
        self.minimum = int(sum(v.min_seconds_per_item * self.items[v.pk] for v in self.versions))
        self.last = today - timedelta(days=1)
        self.days = [self.last - timedelta(days=d) for d in range(DAYS - 1, -1, -1)]
        self.days = [d for d in self.days if d.weekday() < 5 and d >= self.period.starts_on]
        self.groups: dict[str, list[int]] = {"honest": [], "family": []}

    # ------------------------------------------------------------------ answers
    def honest_answers(self, *, all_top_share=0.15) -> dict[int, dict[int, int]]:
        rng = self.rng
        if rng.random() < all_top_share:
            return {v.pk: dict.fromkeys(range(1, self.items[v.pk] + 1), v.scale_max) for v in self.versions}
        out = {}
        for v in self.versions:
            lean = rng.choice([v.scale_max, v.scale_max - 1, v.scale_max - 1, v.scale_max - 2])
            out[v.pk] = {p: min(v.scale_max, max(v.scale_min, lean + rng.choice([-1, 0, 0, 1])))
                         for p in range(1, self.items[v.pk] + 1)}
        return out

    def reading_seconds(self) -> int:
        return int(self.minimum * self.rng.uniform(1.1, 6.0))

    def submit(self, group: str, *, point, at: datetime, seconds: int, device: str, answers=None, flood=False):
        from responses.devices import device_hash
        from responses.services import submit_response

        service = point.default_service or point.unit.services.filter(active=True).first()
        response, _ = submit_response(
            access_point=point, period=self.period, service=service, answers=answers or self.honest_answers(),
            idempotency_key=uuid.uuid4(), completion_seconds=seconds,
            device_hash="" if point.kiosk else device_hash(device, period_id=self.period.pk),
            device_class="tablet" if point.kiosk else "mobile", now=at, checked=True, flood=flood)
        self.groups.setdefault(group, []).append(response.pk)
        return response

    def moment(self, day: date, hour: float) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.tz) + timedelta(hours=hour)

    # ------------------------------------------------------------------ traffic
    def honest_day(self, day: date) -> list[tuple]:
        """Arrivals 08:00-15:00 at about 1-3 an hour per unit; 5 % share a phone with the one before."""
        events = []
        for k, unit in enumerate(self.units):
            counter, kiosk = self.points[unit.pk]
            rate = 1.0 + k * 0.4
            t = 8.0
            while True:
                t += self.rng.expovariate(rate)
                if t >= 14.8:
                    break
                events.append(("honest", unit, t))
        return events

    def run(self) -> None:
        from responses import bursts, ratelimit, windows

        rng = self.rng
        for n, day in enumerate(self.days):
            events = self.honest_day(day)
            last_day = n >= len(self.days) - 3
            if last_day:  # the volume jump: unit 2 at ten times its own rate in the last days
                unit = self.units[2]
                t = 8.0
                while (t := t + rng.expovariate(10 * 1.8)) < 14.8:
                    events.append(("volume_jump", unit, t))
            events.sort(key=lambda e: e[2])
            previous_device = {}
            for group, unit, t in events:
                counter, kiosk = self.points[unit.pk]
                point = kiosk if rng.random() < 0.3 else counter
                if unit == self.units[4] and rng.random() < 0.2:
                    point = self.poster
                device = f"{group}-{uuid.uuid4()}"
                if group == "honest" and not point.kiosk and rng.random() < 0.05 and unit.pk in previous_device:
                    device = previous_device[unit.pk]  # two people of one family, one phone
                    self.submit("family", point=counter, at=self.moment(day, t), seconds=self.reading_seconds(),
                                device=device)
                    continue
                previous_device[unit.pk] = device
                self.submit(group, point=point, at=self.moment(day, t), seconds=self.reading_seconds(), device=device)
            self.enter_service_count(day)
            if day == self.days[-1]:
                self.inject(day)
            bursts.detect_bursts(since=self.moment(day, 0), until=self.moment(day, 24))
            windows.detect_windows(now=self.moment(day, 23))
        ratelimit.reset()

    def enter_service_count(self, day: date) -> None:
        """Unit 5's officers enter the day's people served: its responses are 70-95 % of them."""
        from django.db.models import Count

        from responses.models import Response
        from surveys.models import ServiceCount

        begins = self.moment(day, 0)
        rows = (Response.objects.filter(unit=self.counting, created_at__gte=begins,
                                        created_at__lt=begins + timedelta(days=1))
                .values_list("service_id").annotate(n=Count("pk")))
        for service_id, n in rows:
            ServiceCount.objects.create(service_id=service_id, day=day,
                                        served=math.ceil(n / self.rng.uniform(0.70, 0.95)))

    def inject(self, day: date) -> None:
        from responses import ratelimit

        rng = self.rng
        # An officer at unit 4's poster through the day: 30 forms at a reading pace, fresh cookie each, varied
        # but uniformly favourable answers (3 and 4 on the 1-4 scale; one form in ten with a single 2).
        at = self.moment(day, 8.3)
        for k in range(30):
            at += timedelta(minutes=rng.randint(8, 16))
            answers = {v.pk: {p: v.scale_max - rng.randint(0, 1) for p in range(1, self.items[v.pk] + 1)}
                       for v in self.versions}
            if k % 10 == 3:
                answers[self.versions[-1].pk][1] = self.versions[-1].scale_min + 1
            self.submit("favourable_poster", point=self.poster, at=at, seconds=self.reading_seconds(),
                        device=str(uuid.uuid4()), answers=answers)
        # Unit 5 entered the day's service count before an officer added 12 forms through the day at the
        # counter: more responses than people served.
        counter, kiosk = self.points[self.counting.pk]
        at = self.moment(day, 8.2)
        for _ in range(12):
            at += timedelta(minutes=rng.randint(20, 35))
            self.submit("above_count", point=counter, at=at, seconds=self.reading_seconds(), device=str(uuid.uuid4()))
        # An officer at the counter: 35 forms over an hour, 25-60 s each, fresh cookie each, varied answers.
        counter, kiosk = self.points[self.units[0].pk]
        at = self.moment(day, 10)
        for _ in range(35):
            seconds = rng.randint(25, 60)
            at += timedelta(seconds=seconds + rng.randint(30, 60))
            self.submit("officer_counter", point=counter, at=at, seconds=seconds, device=str(uuid.uuid4()),
                        answers=self.honest_answers(all_top_share=0.3))
        # The same officer at a kiosk (no device stored): each form opened seconds after the previous one.
        counter, kiosk = self.points[self.units[1].pk]
        at = self.moment(day, 11)
        for _ in range(35):
            seconds = rng.randint(25, 60)
            at += timedelta(seconds=seconds + rng.randint(2, 10))
            self.submit("officer_kiosk", point=kiosk, at=at, seconds=seconds, device="",
                        answers=self.honest_answers(all_top_share=0.3))
        # A flood of cookieless submissions at one poster: 100 in two minutes, each a fresh device.
        counter, kiosk = self.points[self.units[3].pk]
        ratelimit.reset()
        at = self.moment(day, 13)
        for _ in range(100):
            at += timedelta(seconds=1.2)
            device = str(uuid.uuid4())
            verdict = ratelimit.check_submission(access_point_id=counter.pk, device_hash=device)
            if verdict == ratelimit.Verdict.REFUSED:
                continue
            self.submit("flood", point=counter, at=at, seconds=rng.randint(30, 50), device=device,
                        flood=verdict == ratelimit.Verdict.FLOOD)

    def report(self) -> int:
        from responses.models import Response, ReviewWindow

        flagged = set(Response.objects.filter(flagged=True).values_list("pk", flat=True))
        kinds_of: dict[int, set[str]] = {}
        for kind, ids in ReviewWindow.objects.values_list("kind", "response_ids"):
            for pk in ids:
                kinds_of.setdefault(pk, set()).add(kind)
        windowed = set(kinds_of)
        ok = True
        print(f"{'pattern':<18}{'responses':>10}{'flagged':>9}{'+window':>9}{'rate':>8}  target")
        for group, ids in self.groups.items():
            if not ids:
                continue
            n_flagged = sum(1 for pk in ids if pk in flagged)
            n_caught = sum(1 for pk in ids if pk in flagged or pk in windowed)
            if group in ("honest", "family"):
                share = n_flagged / len(ids)
                met = share <= TARGET_HONEST if group == "honest" else n_flagged == 0
                target = f"flagged <= {TARGET_HONEST:.0%}" if group == "honest" else "none flagged"
            else:
                share = n_caught / len(ids)
                met, target = share >= TARGET_CAUGHT, f"flagged or in a window >= {TARGET_CAUGHT:.0%}"
            ok &= met
            kinds = Counter(kind for pk in ids for kind in kinds_of.get(pk, ()))
            print(f"{group:<18}{len(ids):>10}{n_flagged:>9}{n_caught:>9}{share:>8.1%}  {target} "
                  f"{'ok' if met else 'MISSED'}  windows: {dict(sorted(kinds.items())) or '-'}")
        honest = self.groups["honest"]
        inside = sum(1 for pk in honest if pk in windowed)
        print(f"honest responses inside a reviewable window (not flagged): {inside} of {len(honest)} "
              f"({inside / len(honest):.1%})")
        return 0 if ok else 1


def main() -> int:
    setup()
    from django.utils import timezone

    bench = Bench(timezone.localdate())
    bench.run()
    return bench.report()


if __name__ == "__main__":
    raise SystemExit(main())
