"""The national shape of bench/indices: 850 UPTs in 66 Kanwil (one per kind per province), 5 services each,
1,000,000 responses (about a third through survey tickets), seeded with set-based SQL (INSERT ... SELECT over
generate_series), not an ORM loop: a few bulk_create calls for the organisation, three INSERT statements for the
rows. Used by bench/indices_bench.py --national.
"""
from __future__ import annotations

import time
from datetime import date

N_PROVINCES, KINDS = 33, ("pas", "imigrasi")
N_UNITS, SERVICES_PER_UNIT = 850, 5
UNIT_KINDS = {"pas": ["lapas", "rutan", "bapas", "lpka", "rupbasan"], "imigrasi": ["kanim", "rudenim"]}


def load_organisation():
    """Kanwil, UPTs, services, access points and targets with bulk_create; returns what the bench needs."""
    from django.contrib.auth import get_user_model

    from surveys.models import (
        AccessPoint,
        InstrumentVersion,
        Kanwil,
        Membership,
        Period,
        Role,
        Target,
        Unit,
        UnitService,
    )

    versions = list(InstrumentVersion.objects.filter(number=1, instrument__code__in=["SPAK", "SPKP"])
                    .order_by("instrument__position"))
    period = Period.objects.create(name="Triwulan IV 2026", starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 31),
                                   status=Period.Status.OPEN)
    period.instrument_versions.set(versions)
    kanwils = Kanwil.objects.bulk_create([
        Kanwil(code=f"kanwil-{kind}-{p}", name=f"Kanwil {kind} Provinsi {p}", kind=kind, province=f"Provinsi {p}")
        for p in range(N_PROVINCES) for kind in KINDS
    ])
    units = Unit.objects.bulk_create([
        Unit(kanwil=kanwil, code=f"upt-{u}", name=f"UPT Bench {u}",
             kind=UNIT_KINDS[kanwil.kind][u // len(kanwils) % len(UNIT_KINDS[kanwil.kind])])
        for u, kanwil in ((u, kanwils[u % len(kanwils)]) for u in range(N_UNITS))
    ])
    services = UnitService.objects.bulk_create([
        UnitService(unit=unit, name=f"Layanan {s}") for unit in units for s in range(SERVICES_PER_UNIT)
    ])
    AccessPoint.objects.bulk_create([AccessPoint(unit=unit, name="Loket") for unit in units])
    Target.objects.bulk_create([
        Target(period=period, service=service, population=4000, sample_target=0) for service in services
    ])
    Target.objects.reallocate(period_id=period.pk, unit_ids=[u.pk for u in units])
    user = get_user_model().objects.create_user("kanwil.bench")  # no password: the bench logs in directly
    Membership.objects.create(user=user, role=Role.KANWIL, kanwil=kanwils[0])
    return period, versions, units, user


def seed_rows(period, versions, n_responses: int) -> float:
    """1,000,000 responses and their scoresheets by INSERT ... SELECT generate_series; returns seconds."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")
        # One row per UPT: its quality (mean score), ticket share, weight in participation, services, counter.
        cursor.execute("""
            CREATE TEMP TABLE bench_unit AS
            SELECT (row_number() OVER (ORDER BY u.id) - 1)::int AS idx, u.id AS unit_id,
                   2.7 + random() * 1.0 AS quality, random() * 0.6 AS ticket_share,
                   (SELECT array_agg(s.id ORDER BY s.id) FROM surveys_unitservice s WHERE s.unit_id = u.id)
                       AS services,
                   (SELECT min(a.id) FROM surveys_accesspoint a WHERE a.unit_id = u.id) AS point_id
            FROM surveys_unit u""")
        cursor.execute("CREATE INDEX ON bench_unit (idx)")
        # Units differ in participation: power(random, 1.6) puts more responses on low indices.
        cursor.execute("""
            INSERT INTO responses_response (id, idempotency_key, period_id, unit_id, access_point_id, service_id,
                channel, created_at, completion_seconds, device_hash, device_class, sex, age_band, education,
                occupation, suggestion, extra_answers, status, flagged, answers_digest)
            SELECT g.id, md5(g.id::text)::uuid, %(period)s, u.unit_id, u.point_id, u.services[1 + g.id %% 5],
                   CASE WHEN g.r < u.ticket_share THEN 'ticket' ELSE 'qr' END,
                   timestamptz '2026-10-01 00:00+07' + g.id * (interval '55 days' / %(n)s),
                   30 + g.id %% 270, '', 'mobile', '', '', '', '', '', '{}',
                   CASE WHEN random() < 0.01 THEN 'rejected' ELSE 'accepted' END, random() < 0.05, ''
            FROM (SELECT id, floor(%(units)s * power(random(), 1.6))::int AS idx, random() AS r
                  FROM generate_series(1, %(n)s) AS id) AS g
            JOIN bench_unit u ON u.idx = g.idx""", {"period": period.pk, "n": n_responses, "units": N_UNITS})
        for version in versions:
            width = version.indicators.count()
            offsets = [-0.4 + 0.6 * ((i * 37) % 11) / 10 for i in range(width)]
            scores = ", ".join(
                f"LEAST(4, GREATEST(1, round(u.quality + {offsets[i]:.3f} + p.person + (random() - 0.5) * 1.8)))"
                f"::smallint" for i in range(width))
            columns = ", ".join(f"score_{i}" for i in range(1, width + 1))
            # One statement per version: the running-totals trigger groups each in one pass.
            cursor.execute(f"""
                INSERT INTO responses_scoresheet (response_id, version_id, period_id, unit_id, service_id, status,
                    flagged, {columns})
                SELECT r.id, %(version)s, r.period_id, r.unit_id, r.service_id, r.status, r.flagged, {scores}
                FROM responses_response r JOIN bench_unit u ON u.unit_id = r.unit_id
                CROSS JOIN LATERAL (SELECT ((r.id * 2654435761) %% 1000) / 1000.0 * 0.8 - 0.4 AS person) p
                WHERE r.period_id = %(period)s""", {"version": version.pk, "period": period.pk})  # noqa: S608
        cursor.execute("SELECT setval(pg_get_serial_sequence('responses_response', 'id'), %s)", [n_responses])
        cursor.execute("DROP TABLE bench_unit")
    return time.perf_counter() - started
