"""The production access log (docker-compose runs gunicorn with spakspkp/gunicorn.py) writes no client IP, user
agent, referrer or query string for the respondents' pages; staff pages keep their full line."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IP, AGENT = "203.0.113.77", "Mozilla/5.0 (Linux; Android 14; SM-A155F) Penanda-Unik"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_compose_runs_gunicorn_with_the_private_log_configuration():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "--config python:spakspkp.gunicorn" in compose and "--access-logfile" not in compose


def test_gunicorn_with_the_compose_configuration_logs_no_ip_agent_or_query_for_the_form(tmp_path):
    (tmp_path / "echo_app.py").write_text(
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain'), ('Set-Cookie', 'spak_device=rahasia')])\n"
        "    return [b'ok']\n"
    )
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "echo_app:app", "--config", "python:spakspkp.gunicorn",
         "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-logformat", '%(h)s "%(r)s" %(s)s "%(a)s" "%(f)s" %(q)s %({x-forwarded-for}i)s %({set-cookie}o)s'],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        headers = {"User-Agent": AGENT, "X-Forwarded-For": IP, "Referer": "https://example.invalid/?from=poster"}
        for path in ("/s/ABCDEF123/?utm=poster-lobby", "/s/ABCDEF123/terima-kasih/", "/t/?kode=K7P2", "/t/K7P2M9XQA/",
                     "/staf/?q=x"):
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers),
                                   timeout=5).read()
        time.sleep(0.5)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    lines = [line for line in output.splitlines() if '"GET ' in line]
    public = [line for line in lines if "/s/" in line or "/t/" in line]
    staff = [line for line in lines if "/staf/" in line]
    assert len(public) == 4 and len(staff) == 1, output
    for line in public:
        assert "127.0.0.1" not in line and IP not in line and "Penanda-Unik" not in line
        assert "utm" not in line and "poster" not in line and "rahasia" not in line and "kode" not in line
    assert '"GET /s/ABCDEF123/ HTTP/1.1" 200' in public[0]
    assert "Penanda-Unik" in staff[0] and IP in staff[0] and "q=x" in staff[0]  # staff lines stay complete
