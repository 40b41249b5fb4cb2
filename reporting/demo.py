"""Demo responses for the current and previous quarter, so a newcomer sees populated dashboards at once.

Deterministic (seeded by unit code and period) and idempotent: a period that already has responses is
left alone. Units differ in participation (a few stay below target) and in scores; a few responses are
generated with a suspicious pattern (too fast, straight-lined, steered, late), and their flags come from
running the real store-time validity rules (responses/validity.py) over them, so every flag agrees with its
rule; some leave a suggestion. Rows are written with bulk_create, fast on SQLite too.
"""
from __future__ import annotations

import json
import random
import uuid
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from responses import validity
from responses.models import AgeBand, Channel, Education, Flag, Occupation, Response, Scoresheet, Sex
from surveys.demo import Quarter
from surveys.models import AccessPoint, Period, Target, Ticket, TicketBatch, Unit

from .snapshots import freeze_final_snapshots, recompute_period

# Share of the target a unit reaches over a whole quarter: most meet it, a few do not.
PARTICIPATION = [0.55, 0.8, 1.05, 1.1, 1.15, 1.2, 1.3, 1.1]
SUGGESTIONS = [
    "Petugas ramah dan cepat, terima kasih.",
    "Ruang tunggu kunjungan perlu kipas angin atau AC, sangat panas siang hari.",
    "Informasi jadwal layanan di media sosial sering terlambat diperbarui.",
    "Antrean pagi terlalu panjang, mohon tambah loket.",
    "Toilet ruang tunggu perlu dibersihkan lebih sering.",
    "Alur pendaftaran sudah jelas, papan informasinya membantu.",
    "Mohon disediakan tempat duduk untuk lansia dan ibu hamil.",
    "Biaya sesuai tarif resmi, tidak ada pungutan lain.",
    "Waktu penyelesaian lebih lama dari yang dijanjikan.",
    "Petugas menjelaskan persyaratan dengan sabar.",
    "Parkir sempit, sulit mencari tempat.",
    "Perlu papan petunjuk arah yang lebih besar di pintu masuk.",
    "Pelayanan pengaduan cepat ditanggapi.",
    "Sinyal internet di ruang tunggu lemah, sulit mengisi survei.",
    "Layanan penitipan barang sudah tertib dan aman.",
]
UNUSED_POSTER = "Poster area parkir"
FLAG_RULES = [Flag.Rule.TOO_FAST, Flag.Rule.OUTSIDE_HOURS, Flag.Rule.STEERED, Flag.Rule.STRAIGHT_LINING]


def demo_periods(today: date) -> list[Period]:
    """The previous and the current quarter of the demo programme, where they exist."""
    quarters = [Quarter.of(today).previous(), Quarter.of(today)]
    found = {p.starts_on: p for p in Period.objects.filter(programme="spak-spkp",
                                                           starts_on__in=[q.starts_on for q in quarters])}
    return [found[q.starts_on] for q in quarters if q.starts_on in found]


def load_demo_responses(today: date, *, now: datetime | None = None, scale: float = 1.0) -> dict[str, int]:
    """Creates the demo responses of each demo period that has none; returns {period name: responses}.

    With scale=1 units reach about their Krejcie–Morgan targets (the demo's targets total ~14,000 a quarter,
    so ~23,000 responses in all); a smaller scale loads faster but leaves most units below target.
    """
    now = now or timezone.now()
    created = {}
    for period in demo_periods(today):
        if Response.objects.filter(period=period).exists():
            continue
        created[period.name] = _fill_period(period, now=now, scale=scale)
        recompute_period(period.pk, now=now)
        if period.status == Period.Status.CLOSED:
            freeze_final_snapshots(period.pk, now=now)
    return created


def _quarter_moments(period: Period, now: datetime, rng: random.Random, n: int) -> list[datetime]:
    """n arrival times within the period up to now, mostly within service hours on weekdays."""
    tz = timezone.get_current_timezone()
    last_day = min(period.ends_on, timezone.localtime(now).date())
    days = [period.starts_on + timedelta(d) for d in range((last_day - period.starts_on).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5] or days
    moments = []
    for _ in range(n):
        day = rng.choice(weekdays if rng.random() < 0.93 else days)
        minute = rng.randint(8 * 60, 15 * 60 - 1) if rng.random() < 0.98 else rng.randint(16 * 60, 20 * 60)
        moment = timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59))), tz)
        moments.append(min(moment, now - timedelta(minutes=rng.randint(1, 600))))
    return sorted(moments)


def _score(rng: random.Random, mean: float, scale_min: int, scale_max: int) -> int:
    return max(scale_min, min(scale_max, round(rng.gauss(mean, 0.55))))


AGE_BANDS, AGE_WEIGHTS = [*AgeBand.values, ""], [4, 22, 26, 22, 14, 7, 5]
EDUCATIONS, EDUCATION_WEIGHTS = [*Education.values, ""], [8, 14, 38, 12, 20, 4, 4]
OCCUPATIONS, OCCUPATION_WEIGHTS = [*Occupation.values, ""], [8, 30, 30, 10, 17, 5]
SEXES = [Sex.MALE.value, Sex.FEMALE.value, ""]
FLAG_CHOICES, FLAG_WEIGHTS = [None, *(r.value for r in FLAG_RULES)], [94, 2, 2, 1, 1]


@transaction.atomic
def _fill_period(period: Period, *, now: datetime, scale: float) -> int:
    versions = period.versions_in_order()
    indicators = {v.pk: [i.pk for i in sorted(v.indicators.all(), key=lambda i: i.position)] for v in versions}
    width = max((len(ids) for ids in indicators.values()), default=0)
    closed = period.status == Period.Status.CLOSED
    elapsed = 1.0
    if not closed:
        span = (period.ends_on - period.starts_on).days + 1
        elapsed = max(0.05, min(1.0, ((timezone.localtime(now).date() - period.starts_on).days + 1) / span))
    targets = {t.service_id: t.effective_target for t in Target.objects.filter(period=period)}
    tz = timezone.get_current_timezone()
    responses: list[dict] = []
    units = Unit.objects.active().prefetch_related("services", "access_points").order_by("code")
    for unit in units:
        profile = random.Random(unit.code)
        rng = random.Random(f"{unit.code}:{period.starts_on}")
        factor = profile.choice(PARTICIPATION)
        quality = profile.uniform(2.75, 3.7) + (0.0 if closed else 0.08)
        offsets = {pk: profile.uniform(-0.45, 0.2) for ids in indicators.values() for pk in ids}
        if unit.code == "lapas-semarang":  # a poster nobody scans, to show on the ranking
            AccessPoint.objects.get_or_create(unit=unit, name=UNUSED_POSTER)
        points = [(ap.pk, ap.channel) for ap in unit.access_points.all() if ap.enabled and ap.name != UNUSED_POSTER]
        if not points:
            continue
        point_weights = [2 if channel == "kiosk" else 3 for _pk, channel in points]
        # About half the units hand a survey ticket with the service: a third of their phone responses come
        # in by ticket; a few visitors everywhere answer from a link sent after the service.
        ticket_share = 0.35 if profile.random() < 0.5 else 0.0
        ticketed: dict[int, list[datetime]] = {}
        plan = []
        for service in unit.services.all():
            plan += [service.pk] * round(targets.get(service.pk, 30) * factor * elapsed * scale * rng.uniform(0.9, 1.1))
        rng.shuffle(plan)
        for service_id, moment in zip(plan, _quarter_moments(period, now, rng, len(plan)), strict=True):
            point, channel = rng.choices(points, weights=point_weights)[0]
            if channel != Channel.KIOSK:
                draw = rng.random()
                if draw < ticket_share:
                    channel = Channel.TICKET.value
                    ticketed.setdefault(point, []).append(moment)
                elif draw > 0.96:
                    channel = Channel.LINK.value
            flag = rng.choices(FLAG_CHOICES, weights=FLAG_WEIGHTS)[0]  # the pattern generated, not the flag
            if moment.astimezone(tz).hour >= 16:
                flag = Flag.Rule.OUTSIDE_HOURS.value
            respondent = rng.gauss(0, 0.3)
            sheets = []
            for v in versions:
                if flag == Flag.Rule.STRAIGHT_LINING:
                    sheets.append([v.scale_max] * len(indicators[v.pk]))
                else:
                    sheets.append([_score(rng, quality + offsets[pk] + respondent, v.scale_min, v.scale_max)
                                   for pk in indicators[v.pk]])
            responses.append({
                "idempotency_key": uuid.UUID(int=rng.getrandbits(128), version=4), "period": period.pk,
                "unit": unit.pk, "access_point": point, "service": service_id, "channel": channel,
                "created_at": moment,
                "completion_seconds": (rng.randint(12, 25) if flag == Flag.Rule.TOO_FAST
                                       else rng.randint(6, 12) if flag == Flag.Rule.STRAIGHT_LINING
                                       else rng.randint(45, 240)),
                "device_hash": "" if channel == "kiosk" else f"{rng.getrandbits(128):032x}",
                "device_class": "tablet" if channel == "kiosk" else "mobile",
                "sex": rng.choice(SEXES),
                "age_band": rng.choices(AGE_BANDS, weights=AGE_WEIGHTS)[0],
                "education": rng.choices(EDUCATIONS, weights=EDUCATION_WEIGHTS)[0],
                "occupation": rng.choices(OCCUPATIONS, weights=OCCUPATION_WEIGHTS)[0],
                "steered": flag == Flag.Rule.STEERED,
                "suggestion": rng.choice(SUGGESTIONS) if rng.random() < 0.15 else "",
                "extra_answers": {}, "status": Response.Status.ACCEPTED.value, "_sheets": sheets,
            })
            findings = rule_findings(unit, versions, responses[-1])
            responses[-1].update(flagged=bool(findings), _findings=findings)
        _issue_demo_tickets(ticketed, rng)
    # Ids in arrival order, as the live form would give them.
    responses.sort(key=lambda r: r["created_at"])
    _insert_rows(Response, RESPONSE_FIELDS, [[r[f] for f in RESPONSE_FIELDS] for r in responses])
    ids = _ids_by_key(period)
    _insert_rows(
        Scoresheet,
        ["response", "version", "period", "unit", "service", "status", "flagged"]
        + [f"score_{i}" for i in range(1, width + 1)],
        [[ids[r["idempotency_key"]], v.pk, period.pk, r["unit"], r["service"], r["status"], r["flagged"],
          *scores, *([None] * (width - len(scores)))]
         for r in responses for v, scores in zip(versions, r["_sheets"], strict=True)],
    )
    _insert_rows(Flag, ["response", "rule", "evidence", "created_at"],
                 [[ids[r["idempotency_key"]], f.rule, f.evidence, r["created_at"]]
                  for r in responses for f in r["_findings"]])
    return len(responses)


def _issue_demo_tickets(ticketed: dict[int, list[datetime]], rng: random.Random) -> None:
    """The tickets behind the demo's ticket responses, used on the day of the response, plus about a fifth
    handed out and never redeemed, in one batch per access point."""
    for point, moments in ticketed.items():
        moments.sort()
        unused = round(len(moments) * rng.uniform(0.15, 0.3))
        batch = TicketBatch.objects.create(access_point_id=point, layout=TicketBatch.Layout.A4,
                                           size=len(moments) + unused,
                                           created_on=timezone.localdate(moments[0]))
        first = moments[0].replace(minute=0, second=0, microsecond=0)
        Ticket.objects.bulk_create(
            [Ticket(batch=batch, access_point_id=point, issued_at=m.replace(minute=0, second=0, microsecond=0),
                    expires_at=m + timedelta(days=7), used=True, used_on=timezone.localdate(m)) for m in moments]
            + [Ticket(batch=batch, access_point_id=point, issued_at=first, expires_at=first + timedelta(days=7))
               for _ in range(unused)])


def rule_findings(unit: Unit, versions, row: dict) -> list[validity.Finding]:
    """The store-time rules that look at one response alone, run on the unsaved demo row (the rules that
    compare responses, repeat device and burst, find nothing in the demo's independent respondents)."""
    response = Response(unit=unit, created_at=row["created_at"], completion_seconds=row["completion_seconds"],
                        steered=row["steered"])
    sheets = [Scoresheet(version=v, **{f"score_{k}": x for k, x in enumerate(scores, start=1)})
              for v, scores in zip(versions, row["_sheets"], strict=True)]
    found = (validity.check_too_fast(response, sheets), validity.check_straight_lining(response, sheets),
             validity.check_steered(response), validity.check_outside_hours(response))
    return [f for f in found if f is not None]


RESPONSE_FIELDS = [
    "idempotency_key", "period", "unit", "access_point", "service", "channel", "created_at", "completion_seconds",
    "device_hash", "device_class", "sex", "age_band", "education", "occupation", "steered", "suggestion",
    "extra_answers", "status", "flagged",
]


def _ids_by_key(period: Period) -> dict[uuid.UUID, int]:
    return dict(Response.objects.filter(period=period).values_list("idempotency_key", "pk"))


def _insert_rows(model, names: list[str], rows: list[list]) -> None:
    """Writes rows without the ORM: Django's bulk_create spends most of its time preparing each value,
    and the demo must load in seconds. COPY on PostgreSQL; a plain executemany on SQLite."""
    fields = [model._meta.get_field(n) for n in names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        json_columns = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                for i in json_columns:
                    row[i] = json.dumps(row[i])
                copy.write_row(row)
        return
    prepared_types = {"UUIDField", "DateTimeField", "JSONField"}
    prepare = [f.get_db_prep_save if f.get_internal_type() in prepared_types else None for f in fields]
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            batch = [[p(v, connection) if p else v for p, v in zip(prepare, row, strict=True)]
                     for row in rows[start:start + 2000]]
            cursor.executemany(sql, batch)
