"""Profiles the public form's POST in-process (Django's test client, the full middleware stack, real
PostgreSQL and Redis): N submissions with fresh signed tokens under cProfile; prints the top functions by
cumulative and by own time, and the wall time per request.

    DATABASE_URL=postgres://…/bench_submit BENCH_REDIS_URL=redis://127.0.0.1:6379 BENCH_REDIS_DB=12 \
        .venv/bin/python -m bench.profile_submit [N]

Run `bench/submit` once first (it migrates and loads the demo data into the bench database). The same
Redis rules as bench/submit: its two databases must be empty, and are emptied at the end.
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


def main() -> int:
    sys.path.insert(0, str(run.ROOT))
    os.chdir(run.ROOT)
    run.claim_redis()
    env = run.prepare_environment(Path(tempfile.mkdtemp(prefix="bench-profile-")))
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
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

        def body():
            answers = {field: str(run.answer(rng, low, high)) for field, low, high in run.ITEMS}
            return {"token": tokens.issue(access_point_id=access_point.pk, now=opened), **common, **answers}

        client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13) Mobile")
        url = f"/s/{access_point.token}/"
        bodies = [urlencode(body()) for _ in range(N + 50)]  # as a browser (and wrk) sends it
        for data in bodies[:50]:  # warm-up: definitions cached, connections open, statements prepared
            client.cookies.clear()  # as wrk: every respondent a new device, or the repeat-device rule flags
            assert client.post(url, data, content_type=FORM).status_code == 303
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for data in bodies[50:]:
            client.cookies.clear()
            client.post(url, data, content_type=FORM)
        profile.disable()
        elapsed = time.perf_counter() - started
    finally:
        run.release_redis()
    print(f"{N} form POSTs in-process: {elapsed * 1000 / N:.2f} ms each under cProfile "
          f"(database {env['DATABASE_URL'].rsplit('/', 1)[1]})")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(40)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
