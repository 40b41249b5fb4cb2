"""IPAK/IPKP engine at national scale: 1,000,000 responses over 60 UPTs in a separate PostgreSQL database.

Run through `bench/indices` (one command). Steps: create the database, migrate, load the organisation, COPY
the responses and their 2,000,000 scoresheets, then time (a) the platform's full recompute of the period in
a separate process (as a worker would run it; its peak memory is read from /proc (VmHWM)), then one unit's
recompute after a new response at it, and (b) a pandas reference computing the same indices (official,
without flagged, ticket-verified) for every scope (service, unit, Kanwil, nation) from the same rows; assert
both agree; time the Kanwil dashboard.

`--national`: the national shape instead (bench/indices_national.py): 850 UPTs in 66 Kanwil, 5 services each,
1,000,000 responses seeded with INSERT ... SELECT generate_series, in BENCH_DATABASE_URL (default
.../bench_indices_national). Both shapes print the machine's load average beside the figures.
"""
from __future__ import annotations

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NATIONAL = "--national" in sys.argv
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_indices"
                           + ("_national" if NATIONAL else ""))
N_RESPONSES = int(os.environ.get("BENCH_RESPONSES", "1000000"))
N_KANWIL, UNITS_PER_KANWIL, SERVICES_PER_UNIT = 6, 10, 5
CHUNK = 200_000


def setup_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spakspkp.settings")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    import django

    django.setup()


# --------------------------------------------------------------------------- worker side (subprocess)
def run_recompute(period_id: int) -> None:
    """Child process: the platform's full recompute, timed twice (from scratch, then steady state), then one
    unit's recompute after one new response at it, for five units."""
    setup_django()
    from django.db import connection

    from reporting.snapshots import recompute_period, recompute_unit

    connection.ensure_connection()
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        recompute_period(period_id)
        timings.append(time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM surveys_unit ORDER BY id")
        unit_ids = [row[0] for row in cursor.fetchall()]
    unit_runs = []
    for unit_id in unit_ids[1:: max(1, len(unit_ids) // 5)][:5]:
        add_response_like(unit_id)
        started = time.perf_counter()
        recompute_unit(unit_id, period_id)
        unit_runs.append(time.perf_counter() - started)
    print(json.dumps({"first": timings[0], "repeat": timings[1], "unit": unit_runs, "peak_mb": peak_memory_mb()}))


def add_response_like(unit_id: int) -> None:
    """One more response at a unit (a copy of its first, ticket channel), as the public form would store."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT max(id) + 1 FROM responses_response")
        new_id = cursor.fetchone()[0]
        cursor.execute("""
            INSERT INTO responses_response (id, idempotency_key, period_id, unit_id, access_point_id, service_id,
                channel, created_at, completion_seconds, device_hash, device_class, sex, age_band, education,
                occupation, suggestion, extra_answers, status, flagged, answers_digest)
            SELECT %(new)s, md5(%(new)s::text)::uuid, period_id, unit_id, access_point_id, service_id, 'ticket',
                now(), completion_seconds, device_hash, device_class, sex, age_band, education, occupation,
                suggestion, extra_answers, 'accepted', false, answers_digest
            FROM responses_response WHERE id = (SELECT min(id) FROM responses_response WHERE unit_id = %(unit)s)
            """, {"new": new_id, "unit": unit_id})
        scores = ", ".join(f"score_{i}" for i in range(1, 21))
        cursor.execute(f"""
            INSERT INTO responses_scoresheet (response_id, version_id, period_id, unit_id, service_id, status,
                flagged, {scores})
            SELECT %(new)s, version_id, period_id, unit_id, service_id, 'accepted', false, {scores}
            FROM responses_scoresheet
            WHERE response_id = (SELECT min(id) FROM responses_response WHERE unit_id = %(unit)s)
            """, {"new": new_id, "unit": unit_id})  # noqa: S608


def peak_memory_mb() -> float:
    """This process's own peak resident memory. VmHWM, not ru_maxrss: on Linux ru_maxrss of an exec'd child
    keeps the high-water mark of the parent it was forked from (here the bench, holding the generated rows)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- database and rows
def recreate_database() -> None:
    import psycopg

    url = urlparse(BENCH_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def load_organisation():
    from datetime import date

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
    units, services, points = [], [], []
    for k in range(N_KANWIL):
        kanwil = Kanwil.objects.create(code=f"kanwil-{k}", name=f"Kanwil Bench {k}", kind="pas", province=f"P{k}")
        for u in range(UNITS_PER_KANWIL):
            unit = Unit.objects.create(kanwil=kanwil, code=f"upt-{k}-{u}", name=f"UPT Bench {k}-{u}", kind="lapas")
            units.append(unit)
            mine = [UnitService.objects.create(unit=unit, name=f"Layanan {s}") for s in range(SERVICES_PER_UNIT)]
            services.append(mine)
            points.append(AccessPoint.objects.create(unit=unit, name="Loket"))
            for service in mine:
                Target.objects.create(period=period, service=service, population=20000, sample_target=0)
            Target.objects.reallocate(period_id=period.pk, unit_ids=[unit.pk])
    user = get_user_model().objects.create_user("kanwil.bench")  # no password: the bench logs in directly
    Membership.objects.create(user=user, role=Role.KANWIL, kanwil=units[0].kanwil)
    return period, versions, units, services, points, user


def copy_rows(period, versions, units, services, points) -> None:
    """COPY the responses and their scoresheets, generated with numpy in chunks."""
    import numpy as np
    import pandas as pd
    from django.db import connection

    rng = np.random.default_rng(20261126)
    n_units = len(units)
    unit_ids = np.array([u.pk for u in units])
    service_ids = np.array([[s.pk for s in row] for row in services])
    point_ids = np.array([p.pk for p in points])
    quality = rng.uniform(2.7, 3.7, n_units)  # units differ in scores
    weight = rng.uniform(0.5, 1.5, n_units)  # ...and in participation
    weight /= weight.sum()
    offsets = {v.pk: rng.uniform(-0.4, 0.2, v.indicators.count()) for v in versions}
    widths = {v.pk: v.indicators.count() for v in versions}
    period_start = pd.Timestamp("2026-10-01 00:00", tz="Asia/Jakarta")
    response_cols = ["id", "idempotency_key", "period_id", "unit_id", "access_point_id", "service_id", "channel",
                     "created_at", "completion_seconds", "device_hash", "device_class", "sex", "age_band",
                     "education", "occupation", "suggestion", "extra_answers", "status", "flagged"]
    sheet_cols = ["response_id", "version_id", "period_id", "unit_id", "service_id", "status", "flagged",
                  *[f"score_{i}" for i in range(1, 9)]]
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for start in range(0, N_RESPONSES, CHUNK):
            n = min(CHUNK, N_RESPONSES - start)
            ids = np.arange(start + 1, start + n + 1)
            unit_idx = rng.choice(n_units, size=n, p=weight)
            status = np.where(rng.random(n) < 0.01, "rejected", "accepted")
            flagged = rng.random(n) < 0.05
            services_of = service_ids[unit_idx, rng.integers(0, SERVICES_PER_UNIT, n)]
            # Ids grow with time, as they do when responses arrive.
            span = 55 * 86400 * CHUNK // N_RESPONSES + 1
            seconds = np.sort(rng.integers(0, span, n)) + (start // CHUNK) * span
            frame = pd.DataFrame({
                "id": ids,
                "idempotency_key": [f"00000000-0000-4000-8000-{i:012x}" for i in ids],
                "period_id": period.pk, "unit_id": unit_ids[unit_idx], "access_point_id": point_ids[unit_idx],
                "service_id": services_of, "channel": "qr",
                "created_at": (period_start + pd.to_timedelta(seconds, unit="s")).strftime("%Y-%m-%d %H:%M:%S%z"),
                "completion_seconds": rng.integers(30, 300, n), "device_hash": "", "device_class": "mobile",
                "sex": "", "age_band": "", "education": "", "occupation": "", "suggestion": "",
                "extra_answers": "{}", "status": status, "flagged": np.where(flagged, "t", "f"),
            })
            _copy(raw, "responses_response", response_cols, frame)
            person = rng.normal(0, 0.3, n)
            for version in versions:
                width = widths[version.pk]
                mean = quality[unit_idx][:, None] + offsets[version.pk][None, :] + person[:, None]
                scores = np.clip(np.rint(rng.normal(mean, 0.55)), 1, 4).astype(np.int16)
                sheet = pd.DataFrame({
                    "response_id": ids, "version_id": version.pk, "period_id": period.pk,
                    "unit_id": unit_ids[unit_idx], "service_id": services_of, "status": status,
                    "flagged": np.where(flagged, "t", "f"),
                })
                for i in range(8):
                    sheet[f"score_{i + 1}"] = pd.array(scores[:, i], dtype="Int16") if i < width else pd.NA
                _copy(raw, "responses_scoresheet", sheet_cols, sheet)
            print(f"  loaded {start + n:>9,} responses", flush=True)
        cursor.execute("SELECT setval(pg_get_serial_sequence('responses_response', 'id'), %s)", [N_RESPONSES])


def _copy(raw_cursor, table: str, columns: list[str], frame) -> None:
    buffer = io.StringIO()
    frame[columns].to_csv(buffer, sep="\t", header=False, index=False, na_rep="\\N")
    with raw_cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())


# --------------------------------------------------------------------------- pandas reference
def half_up(value: Fraction) -> str:
    scaled = value * 100
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return f"{whole // 100}.{whole % 100:02d}"


def pandas_reference(period, versions, kanwil_of: dict[int, int]) -> tuple[dict, float]:
    """Reads the period's scoresheets (with each response's channel) into pandas and computes every service,
    unit, Kanwil and national index: official, without flagged responses and from ticket responses only."""
    import warnings

    import pandas as pd
    import psycopg

    started = time.perf_counter()
    score_cols = [f"score_{i}" for i in range(1, 9)]
    with psycopg.connect(BENCH_URL) as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas prefers SQLAlchemy; psycopg works the same
        frame = pd.read_sql(
            "SELECT s.unit_id, s.service_id, s.version_id, s.status, s.flagged, r.channel = 'ticket' AS ticketed, "
            + ", ".join(f"s.{c}" for c in score_cols)
            + " FROM responses_scoresheet s JOIN responses_response r ON r.id = s.response_id "
            "WHERE s.period_id = %(p)s", conn, params={"p": period.pk},
        )
    counted = frame[frame["status"] == "accepted"].copy()
    counted["kanwil_id"] = counted["unit_id"].map(kanwil_of)
    bands = {v.pk: [(b["code"], Fraction(b["min"]), Fraction(b["max"])) for b in v.bands] for v in versions}
    scales = {v.pk: (v.scale_min, v.scale_max) for v in versions}
    widths = {v.pk: v.indicators.count() for v in versions}
    parts = {"": counted, "_unflagged": counted[~counted["flagged"]], "_ticketed": counted[counted["ticketed"]]}

    def figures(sums, counts, version) -> dict:
        width = widths[version]
        nrrs = [Fraction(int(sums[i]), int(counts[i])) if counts[i] else None for i in range(width)]
        answered = [x for x in nrrs if x is not None]
        if not answered:
            return {"nrr": None, "ik": None, "category": "", "indicators": [None] * width}
        nrr = sum(answered, Fraction(0)) / len(answered)
        low, high = scales[version]
        ik = (1 + Fraction(3) * (nrr - low) / (high - low)) * 25
        shown = Fraction(half_up(ik))
        category = next((c for c, lo, hi in bands[version] if lo <= shown <= hi), "")
        return {"nrr": half_up(nrr), "ik": half_up(ik), "category": category,
                "indicators": [None if x is None else half_up(x) for x in nrrs]}

    results: dict = {}
    levels = (("service", ["unit_id", "service_id"]), ("unit", ["unit_id"]), ("kanwil", ["kanwil_id"]),
              ("nation", []))
    for level, keys in levels:
        for suffix, rows in parts.items():
            grouped = rows.groupby([*keys, "version_id"])
            sums, counts, sizes = grouped[score_cols].sum(), grouped[score_cols].count(), grouped.size()
            for key, s_row, c_row, n in zip(sums.index, sums.to_numpy(), counts.to_numpy(), sizes.to_numpy(),
                                            strict=True):
                key = key if isinstance(key, tuple) else (key,)
                scope = key[0] if keys else None
                service = key[1] if level == "service" else None
                version = key[-1]
                entry = results.setdefault((level, scope, service, version), {
                    "n": 0, "nrr": None, "ik": None, "category": "", "indicators": [None] * widths[version],
                    "n_ticketed": 0, "nrr_unflagged": None, "ik_unflagged": None, "nrr_ticketed": None,
                    "ik_ticketed": None, "category_ticketed": ""})
                values = figures(s_row, c_row, version)
                if suffix == "":
                    entry.update(n=int(n), **values)
                elif suffix == "_ticketed":
                    entry.update(n_ticketed=int(n), nrr_ticketed=values["nrr"], ik_ticketed=values["ik"],
                                 category_ticketed=values["category"])
                else:
                    entry.update(nrr_unflagged=values["nrr"], ik_unflagged=values["ik"])
    return results, time.perf_counter() - started


def platform_results() -> dict:
    from reporting.models import Snapshot

    def text(value):
        return None if value is None else str(value)

    out = {}
    for s in Snapshot.objects.filter(is_current=True, n_counted__gt=0):
        level = "service" if s.service_id else s.level
        scope = s.unit_id if s.level == "unit" else s.kanwil_id
        out[(level, scope, s.service_id, s.version_id)] = {
            "n": s.n_counted, "nrr": text(s.nrr), "ik": text(s.ik), "category": s.category,
            "indicators": [row["nrr"] for row in s.indicators],
            "n_ticketed": s.n_ticketed, "nrr_unflagged": text(s.nrr_unflagged), "ik_unflagged": text(s.ik_unflagged),
            "nrr_ticketed": text(s.nrr_ticketed), "ik_ticketed": text(s.ik_ticketed),
            "category_ticketed": s.category_ticketed,
        }
    return out


# --------------------------------------------------------------------------- open-data API
def time_national_api(period) -> dict[str, list[float]]:
    """Closes the period and freezes its final figures, times the API's national figures and the full list
    (every scope of the period), then reopens the period and drops the final rows (BENCH_REUSE keeps working)."""
    from django.test import Client

    from reporting.models import Snapshot
    from reporting.snapshots import freeze_final_snapshots
    from surveys.models import Period

    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    freeze_final_snapshots(period.pk)
    client = Client()
    timings: dict[str, list[float]] = {}
    try:
        for label, url in (("nation", f"/api/v1/figures?period={period.pk}&level=nation"),
                           ("all scopes", f"/api/v1/figures?period={period.pk}&page_size=500")):
            runs = []
            for _ in range(6):
                started = time.perf_counter()
                response = client.get(url)
                runs.append(time.perf_counter() - started)
                assert response.status_code == 200 and response.json()["count"], response.content[:200]
            timings[label] = runs[1:]
    finally:
        # The freeze retired the working rows (is_current off): drop them all, a later run starts from empty.
        Snapshot.objects.filter(period=period).delete()
        Period.objects.filter(pk=period.pk).update(status=Period.Status.OPEN)
    return timings


# --------------------------------------------------------------------------- dashboard
def time_kanwil_dashboard(user, kanwil_code: str) -> list[float]:
    from django.test import Client, override_settings
    from django.urls import reverse

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    # A Kanwil user's session has passed the second factor, as after a real sign-in (surveys/accounts).
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = reverse("dashboard_kanwil", kwargs={"code": kanwil_code})
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    timings = []
    with override_settings(SECURE_SSL_REDIRECT=False, STORAGES=storages):
        for _ in range(6):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
    return timings[1:]  # the first request warms up template loading


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min, {os.cpu_count()} cores)"


def main() -> int:
    import psycopg

    shape = ("850 UPTs in 66 Kanwil, 5 services each (national shape)" if NATIONAL
             else f"{N_KANWIL * UNITS_PER_KANWIL} UPTs")
    print(f"bench/indices: {N_RESPONSES:,} responses over {shape} -> {BENCH_URL}")
    print(f"  load average at start: {load_average()}")
    reuse = os.environ.get("BENCH_REUSE") == "1"  # keep the rows loaded by an earlier run (timings only)
    if not reuse:
        recreate_database()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from surveys.models import Period, Unit

    if reuse:
        period = Period.objects.get()
        versions = list(period.instrument_versions.order_by("instrument__position"))
        units = list(Unit.objects.order_by("pk"))
        user = get_user_model().objects.get(username="kanwil.bench")
        with connection.cursor() as cursor:  # units' recomputes of an earlier run added responses
            cursor.execute("DELETE FROM responses_scoresheet WHERE response_id > %s", [N_RESPONSES])
            cursor.execute("DELETE FROM responses_response WHERE id > %s", [N_RESPONSES])
    else:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        if NATIONAL:
            from bench import indices_national

            period, versions, units, user = indices_national.load_organisation()
            indices_national.seed_rows(period, versions, N_RESPONSES)
            label = "INSERT ... SELECT generate_series"
        else:
            period, versions, units, services, points, user = load_organisation()
            copy_rows(period, versions, units, services, points)
            label = "COPY"
        connection.close()
        with psycopg.connect(BENCH_URL, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE responses_response")
            conn.execute("VACUUM ANALYZE responses_scoresheet")
            conn.execute("VACUUM ANALYZE reporting_scoretotal")
        print(f"  seed (organisation + {label} + VACUUM ANALYZE): {time.perf_counter() - started:.1f} s")
    from reporting.models import Snapshot

    Snapshot.objects.all().delete()  # the timed recompute starts from nothing: an empty, vacuumed table
    connection.close()
    with psycopg.connect(BENCH_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE reporting_snapshot")

    child = subprocess.run([sys.executable, __file__, "--recompute", str(period.pk), *sys.argv[1:]],
                           capture_output=True,
                           text=True, env={**os.environ, "DATABASE_URL": BENCH_URL, "LOG_LEVEL": "WARNING"},
                           check=True)
    worker = json.loads(child.stdout.strip().splitlines()[-1])
    load_after_recompute = load_average()
    reference, pandas_seconds = pandas_reference(period, versions, {u.pk: u.kanwil_id for u in units})
    platform = platform_results()
    assert platform.keys() == reference.keys(), (len(platform), len(reference))
    mismatches = [k for k in reference if reference[k] != platform[k]]
    assert not mismatches, [(k, reference[k], platform[k]) for k in mismatches[:3]]
    dashboard = time_kanwil_dashboard(user, units[0].kanwil.code)
    api = time_national_api(period)

    ratio = pandas_seconds / worker["first"]
    counts = {level: sum(1 for k in reference if k[0] == level) for level in ("service", "unit", "kanwil", "nation")}
    print(f"  indices identical (official, without flagged, ticket-verified; every indicator): {len(reference)} "
          f"scopes ({counts['service']} service, {counts['unit']} UPT, {counts['kanwil']} Kanwil, "
          f"{counts['nation']} nation rows over 2 instruments), after the full and the unit recomputes")
    print(f"  platform full recompute (from empty): {worker['first']:.3f} s; again (steady state): "
          f"{worker['repeat']:.3f} s")
    unit = worker["unit"]
    print(f"  one unit's recompute (new response):   median {statistics.median(unit) * 1000:.0f} ms, "
          f"max {max(unit) * 1000:.0f} ms ({len(unit)} units)")
    print(f"  pandas reference (read + compute):     {pandas_seconds:.3f} s")
    print(f"  ratio pandas / platform:               {ratio:.1f}x")
    print(f"  Kanwil dashboard server time:          median {statistics.median(dashboard) * 1000:.0f} ms, "
          f"max {max(dashboard) * 1000:.0f} ms ({len(dashboard)} requests)")
    for label, runs in api.items():
        name = f"API /api/v1/figures ({label}):"
        print(f"  {name:<38} median {statistics.median(runs) * 1000:.0f} ms, "
              f"max {max(runs) * 1000:.0f} ms ({len(runs)} requests)")
    print(f"  worker peak memory (VmHWM):            {worker['peak_mb']:.0f} MB")
    print(f"  load average after the recompute:      {load_after_recompute}")
    print(f"  load average at the end:               {load_average()}")
    if NATIONAL:
        checks = {
            "full recompute <= 1 s": worker["first"] <= 1.0,
            ">= 20x faster than pandas": ratio >= 20,
            "one unit's recompute <= 50 ms": statistics.median(unit) <= 0.05,
            "worker peak < 300 MB": worker["peak_mb"] < 300,
        }
    else:
        checks = {
            "recompute <= 2 s": worker["first"] <= 2.0,
            ">= 10x faster than pandas": ratio >= 10,
            "Kanwil dashboard < 300 ms": statistics.median(dashboard) < 0.3,
            "worker peak < 300 MB": worker["peak_mb"] < 300,
            "national API < 100 ms": statistics.median(api["nation"]) < 0.1,
        }
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--recompute":
        run_recompute(int(sys.argv[2]))
    else:
        sys.exit(main())
