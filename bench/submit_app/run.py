"""Runs the bench: PostgreSQL database, demo data, gunicorn, wrk at 32 clients against the form's real POST
(fresh signed tokens) and against a bare one-row insert view; prints throughputs, their ratio and p95.

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_submit), BENCH_BROKER_URL
(default redis://127.0.0.1:6379/2), BENCH_CACHE_URL (default rediscache://127.0.0.1:6379/5), BENCH_CLIENTS
(32), BENCH_SECONDS (10 per run), BENCH_ROUNDS (2),
BENCH_WORKERS (gunicorn, 4), BENCH_PORT (a free one).
"""
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "0"))  # 0: any free port
UNLIMITED = "1000000000/60"  # the bench is one "device" and one access point sending thousands per minute
TARGET_RATIO, TARGET_P95_MS = 0.5, 150

LUA = r"""
-- `offset` is a global each thread receives from setup(): thread k sends tokens k, k+THREADS, k+2*THREADS...
local tokens, common, stride, sent = {}, COMMON, 1, 0
local next_offset = 1
function setup(thread)
  thread:set("offset", next_offset); next_offset = next_offset + 1
end
function init(args)
  stride = THREADS
  if TOKENS ~= "" then for line in io.lines(TOKENS) do tokens[#tokens + 1] = line end end
end
function request()
  local body = common
  if #tokens > 0 then
    local i = offset + sent * stride
    sent = sent + 1
    if i > #tokens then i = ((i - 1) % #tokens) + 1 end
    body = "token=" .. tokens[i] .. "&" .. common
  end
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d p50=%d p95=%d p99=%d status_errors=%d "
    .. "socket_errors=%d\n", summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""
THREADS = 2


def prepare_environment(workdir: Path) -> dict:
    env = {
        "STATIC_ROOT": str(workdir / "static"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_submit"),
        "DJANGO_SETTINGS_MODULE": "bench.submit_app.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/2"),
        # As in production (docker-compose.yml): rate limits and recompute debouncing shared by the workers.
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "rediscache://127.0.0.1:6379/5"),
        "FORM_RATE_LIMIT_ACCESS_POINT": UNLIMITED,
        "FORM_RATE_LIMIT_DEVICE": UNLIMITED,
    }
    os.environ.update(env)
    return env


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if "bench" not in name:  # the run empties the response tables
        raise SystemExit(f"Refusing to run against database {name!r}: its name must contain 'bench'.")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def load_data():
    """Demo data, earlier bench rows removed; returns (access point, period, service, form body)."""
    from django.core.management import call_command
    from django.db import connection

    from responses.models import Response, Scoresheet
    from surveys.models import AccessPoint

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)
    # Earlier runs' rows go without leaving dead tuples for autovacuum to chew on during the measurement.
    tables = [Response._meta.db_table, Scoresheet._meta.db_table, "reporting_scoretotal"]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")  # noqa: S608 - model table names
        cursor.execute("VACUUM ANALYZE")
    from responses.questionnaire import lookup, questionnaire_for

    access_point = AccessPoint.objects.select_related("unit").get(unit__code="lapas-semarang", name="Loket utama")
    questionnaire = questionnaire_for(*lookup(access_point.token))
    global ITEMS
    ITEMS = [(f"q{version.pk}_{indicator.position}", version.scale_min, version.scale_max)
             for version in questionnaire.versions for indicator in version.indicators.all()]
    fields = {"service": str(questionnaire.services[0].pk), "sex": "f", "age_band": "30-39", "steered": "tidak"}
    body = "&".join(f"{k}={v}" for k, v in fields.items())
    return access_point, questionnaire.period, questionnaire.services[0], body


ITEMS: list[tuple[str, int, int]] = []  # (field, scale min, scale max) of every statement, set by load_data


def answer(rng: random.Random, low: int, high: int) -> int:
    """A plausible score: mostly agreeing on a 1–4 scale, uniform on other scales."""
    return rng.choices(range(low, high + 1), weights=[1, 2, 5, 4] if high - low == 3 else None)[0]


def write_tokens(path: Path, access_point_id: int, count: int) -> None:
    from django.utils import timezone

    from responses import tokens

    opened = timezone.now() - timedelta(seconds=90)  # as if the respondent took a minute and a half
    rng = random.Random(f"{path.name}")
    with path.open("w") as out:
        for _ in range(count):
            # Each respondent answers for themselves (mostly agreeing), as real traffic does: identical
            # bodies would all be one long "burst" for the validity rules, which no counter sees.
            answers = "&".join(f"{field}={answer(rng, low, high)}" for field, low, high in ITEMS)
            out.write(tokens.issue(access_point_id=access_point_id, now=opened) + "&" + answers + "\n")


def lua_script(path: Path, *, common: str, tokens_file: str) -> None:
    text = (LUA.replace("COMMON", lua_string(common)).replace("THREADS", str(THREADS))
            .replace("TOKENS", lua_string(tokens_file)))
    path.write_text(text)


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wait_for(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def run_wrk(url: str, script: Path, seconds: int) -> dict:
    done = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CLIENTS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url],
        capture_output=True, text=True, check=False,
    )
    out = done.stdout
    if done.returncode:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    match = re.search(r"^RESULT (.*)$", out, re.MULTILINE)
    if not match:
        raise SystemExit("wrk printed no result:\n" + out)
    result = {k: int(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def free_port() -> int:
    if PORT:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", PORT)) == 0:
                raise SystemExit(f"port {PORT} is busy; set another BENCH_PORT.")
        return PORT
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def purge_broker() -> None:
    try:
        from spakspkp.celery import app

        app.control.purge()
    except Exception as exc:  # noqa: BLE001 - cleanup only
        print(f"(broker queue not purged: {exc})")


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk).")
    port = free_port()
    load_at_start = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    workdir = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    env = prepare_environment(workdir)
    ensure_database(env["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings

    env["RECOMPUTE_HOOK"] = settings.RECOMPUTE_HOOK
    access_point, period, service, body = load_data()
    # The bare view writes at another access point of the unit, so its thousands of rows do not crowd the
    # form's access point (whose recent responses the burst rule reads) beyond what a real counter sees.
    from surveys.models import AccessPoint

    other = AccessPoint.objects.filter(unit_id=access_point.unit_id).exclude(pk=access_point.pk).first() or access_point
    env["BENCH_BARE_IDS"] = f"{period.pk},{access_point.unit_id},{other.pk},{service.pk}"
    from django.db import connections

    connections.close_all()
    from responses.models import Response

    server = None
    try:
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        # Every wrk run starts its token list from the top, so each run gets its own unused tokens.
        form_scripts = []
        for run in range(ROUNDS + 1):
            token_file = workdir / f"tokens-{run}.txt"
            write_tokens(token_file, access_point.pk, max(3000, SECONDS * 800))
            form_scripts.append(workdir / f"form-{run}.lua")
            lua_script(form_scripts[-1], common=body, tokens_file=str(token_file))
        bare_lua = workdir / "bare.lua"
        lua_script(bare_lua, common="x=1", tokens_file="")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "spakspkp.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(WORKERS), "--worker-class", "sync", "--backlog", "256", "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, **env}, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        form_url = f"{base}/s/{access_point.token}/"
        wait_for(form_url, server)
        print(f"gunicorn: {WORKERS} sync workers; wrk: {THREADS} threads, {CLIENTS} connections, {SECONDS} s each;"
              f" recompute hook: {env['RECOMPUTE_HOOK']}")
        # Warm-up: every worker loads the form definition and opens its database and broker connections.
        run_wrk(f"{base}/bench/bare-insert/", bare_lua, 2)
        run_wrk(form_url, form_scripts[0], 2)
        rounds = []
        for number in range(1, ROUNDS + 1):  # alternated, so a neighbour's burst of load hits both sides alike
            round_result = {}
            form_lua = form_scripts[number]
            for name, url, script in (("bare", f"{base}/bench/bare-insert/", bare_lua), ("form", form_url, form_lua)):
                rows_before, cpu_before = Response.objects.count(), server_cpu_seconds(server.pid)
                db_before = database_cpu_seconds()
                result = run_wrk(url, script, SECONDS)
                time.sleep(0.5)  # let requests still in flight when wrk stopped finish
                result["rows"] = Response.objects.count() - rows_before
                result["cpu_ms"] = (server_cpu_seconds(server.pid) - cpu_before) * 1000 / max(result["rows"], 1)
                result["db_ms"] = (database_cpu_seconds() - db_before) * 1000 / max(result["rows"], 1)
                round_result[name] = result
            rounds.append(round_result)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)
        purge_broker()
        connections.close_all()

    print(f"{'':8}{'':26}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'rows':>7}"
          f"{'worker CPU ms/req':>19}{'db CPU ms/req':>15}")
    for number, r in enumerate(rounds, 1):
        for name, label in (("bare", "bare insert view"), ("form", "form POST (signed token)")):
            x = r[name]
            errors = x["status_errors"] + x["socket_errors"]
            print(f"round {number}  {label:26}{x['rps']:>8.1f}{x['p50'] / 1000:>9.1f}{x['p95'] / 1000:>9.1f}"
                  f"{x['p99'] / 1000:>9.1f}{errors:>8}{x['rows']:>7}{x['cpu_ms']:>19.2f}{x['db_ms']:>15.2f}")
    bare_rps = sum(r["bare"]["requests"] for r in rounds) / sum(r["bare"]["duration_us"] / 1e6 for r in rounds)
    form_rps = sum(r["form"]["requests"] for r in rounds) / sum(r["form"]["duration_us"] / 1e6 for r in rounds)
    form_p95 = sorted(r["form"]["p95"] for r in rounds)[len(rounds) // 2] / 1000
    ratio = form_rps / bare_rps
    cpu_ratio = (sum(r["bare"]["cpu_ms"] for r in rounds) / sum(r["form"]["cpu_ms"] for r in rounds))
    print(f"throughput: bare {bare_rps:.1f} req/s, form {form_rps:.1f} req/s; ratio form/bare {ratio:.2f} "
          f"(target >= {TARGET_RATIO})")
    print(f"form p95 (median of rounds): {form_p95:.1f} ms (target < {TARGET_P95_MS} ms) at {CLIENTS} clients")
    print(f"worker CPU per request, bare/form: {cpu_ratio:.2f} (the ratio the CPU alone would allow)")
    print(f"load average at start: {load_at_start} (2 cores; other work on the machine skews every figure)")
    errors = sum(r["form"]["status_errors"] + r["form"]["socket_errors"] for r in rounds)
    ok = ratio >= TARGET_RATIO and form_p95 < TARGET_P95_MS and errors == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def database_cpu_seconds() -> float:
    """User + system CPU of every local PostgreSQL process (backends, WAL writer, checkpointer), or 0 when
    the database runs elsewhere: where the rest of a request's cost goes on this machine. Processes that
    ended (an autovacuum worker) count through the postmaster's reaped-children times."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        if name in ("postgres", "postmaster"):
            fields = rest.split()
            total += sum(int(fields[k]) for k in (11, 12, 13, 14)) / ticks  # utime stime cutime cstime
    return total


def server_cpu_seconds(master_pid: int) -> float:
    """User + system CPU of the gunicorn master and its live workers (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [master_pid]
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        pids += [int(pid) for pid in children]
    except OSError:
        return 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


if __name__ == "__main__":
    sys.exit(main())
