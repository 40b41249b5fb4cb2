"""Profiles the public form's POST in-process (Django's test client, the full middleware stack, real
PostgreSQL and Redis). First, without the profiler, the CPU each request costs this process and its
PostgreSQL backend, for the bare one-row insert, the form POST and the ticket redemption (the CPU ratio is
what the throughput ratio of `bench/submit` tends to on a machine whose two cores the server saturates);
then N form POSTs (or, with a second argument `ticket`, N ticket redemptions) with fresh signed tokens
under cProfile: the top functions by cumulative and by own time.

    DATABASE_URL=postgres://…/bench_submit BENCH_REDIS_URL=redis://127.0.0.1:6379 BENCH_REDIS_DB=12 \
        .venv/bin/python -m bench.profile_submit [N] [form|ticket]

Process and backend CPU are read from /proc, so they hold on a busy machine too (wall time does not). Run
`bench/submit` once first (it migrates and loads the demo data into the bench database). The same Redis
rules as bench/submit: its two databases must be empty, and are emptied at the end.
"""
import cProfile
import io
import os
import pstats
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.submit_app import run

FORM = "application/x-www-form-urlencoded"
N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
PROFILED = sys.argv[2] if len(sys.argv) > 2 else "form"  # or "ticket": the side run under cProfile


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    sys.path.insert(0, str(run.ROOT))
    os.chdir(run.ROOT)
    run.claim_redis()
    env = run.prepare_environment(Path(tempfile.mkdtemp(prefix="bench-profile-")))
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from responses import tokens
    from responses.questionnaire import lookup, questionnaire_for
    from surveys.models import AccessPoint

    try:
        access_point = AccessPoint.objects.select_related("unit").get(unit__code="lapas-semarang", name="Loket utama")
        run._pin_hours(access_point.unit, inside=True)
        questionnaire = questionnaire_for(*lookup(access_point.token))
        run.ITEMS = [(f"q{v.pk}_{i.position}", v.scale_min, v.scale_max)
                     for v in questionnaire.versions for i in v.indicators.all()]
        common = dict(pair.split("=") for pair in run._body(questionnaire).split("&"))
        rng = random.Random(1)
        opened = timezone.now() - timezone.timedelta(seconds=90)
        other = AccessPoint.objects.filter(unit_id=access_point.unit_id).exclude(pk=access_point.pk).first()
        from bench.submit_app import views as bare_views

        bare_views.PERIOD, bare_views.UNIT = questionnaire.period.pk, access_point.unit_id
        bare_views.ACCESS_POINT, bare_views.SERVICE = (other or access_point).pk, questionnaire.services[0].pk

        def body():
            answers = {field: str(run.answer(rng, low, high)) for field, low, high in run.ITEMS}
            return {"token": tokens.issue(access_point_id=access_point.pk, now=opened), **common, **answers}

        client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13) Mobile")
        url = f"/s/{access_point.token}/"
        codes = run.issue_ticket_codes(access_point, 2 * N + 50)
        bodies = [urlencode(body()) for _ in range(3 * N + 150)]  # as a browser (and wrk) sends it

        def post(target, data, expect=303):
            client.cookies.clear()  # as wrk: every respondent a new device, or the repeat-device rule flags
            status = client.post(target, data, content_type=FORM).status_code
            assert status == expect, (target, status)

        sides = {
            "bare": lambda i: post("/bench/bare-insert/", "x=1", 204),
            "form": lambda i: post(url, bodies[i]),
            "ticket": lambda i: post(f"/t/{codes[i]}/", bodies[N + 50 + i]),
        }
        for side in sides.values():  # warm-up: definitions cached, connections open, statements prepared
            for i in range(50):
                side(i)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        cpu = {}
        for name, side in sides.items():
            own, db, wall = time.process_time(), _backend_cpu(backend), time.perf_counter()
            for i in range(50, N + 50):
                side(i)
            cpu[name] = ((time.process_time() - own) * 1000 / N, (_backend_cpu(backend) - db) * 1000 / N,
                         (time.perf_counter() - wall) * 1000 / N)
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for i, data in enumerate(bodies[2 * N + 100:3 * N + 100]):
            client.cookies.clear()
            client.post(url if PROFILED == "form" else f"/t/{codes[N + 50 + i]}/", data, content_type=FORM)
        profile.disable()
        elapsed = time.perf_counter() - started
    finally:
        run.release_redis()
    print(f"database {env['DATABASE_URL'].rsplit('/', 1)[1]}, {N} requests per side, load average "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    print(f"{'':30}{'process CPU ms':>15}{'db backend CPU ms':>19}{'total':>8}{'wall ms':>9}{'bare/this':>11}")
    bare_total = sum(cpu["bare"][:2])
    for name, label in (("bare", "bare insert view"), ("form", "form POST"), ("ticket", "form POST, ticket")):
        own, db, wall = cpu[name]
        print(f"{label:30}{own:>15.2f}{db:>19.2f}{own + db:>8.2f}{wall:>9.2f}{bare_total / (own + db):>11.2f}")
    print(f"\n{N} {PROFILED} POSTs under cProfile: {elapsed * 1000 / N:.2f} ms each")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(40)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
