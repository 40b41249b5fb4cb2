"""/healthz: database and broker status for load balancers and operators.

Every check is bounded by DEPENDENCY_TIMEOUT_SECONDS: a broker that accepts connections and never answers
(a hung Redis, a half-open path) is reported as "timeout" with HTTP 503 within a second or two, instead of
holding the web worker until gunicorn kills it. A broker that refuses at once is "down" (200: the web still
serves and stores every response; tasks wait, see docs/resilience.md).
"""
import socket

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # noqa: BLE001 - any failure means "down" here
        return False


def is_timeout(exc: BaseException) -> bool:
    """True when `exc` (or what it wraps) is a read or connect that ran out of time."""
    while exc is not None:
        if isinstance(exc, (TimeoutError, socket.timeout)) or "Timeout" in type(exc).__name__:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    timeout = settings.DEPENDENCY_TIMEOUT_SECONDS
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options=options) as conn:
            conn.ensure_connection(max_retries=0, timeout=timeout)
            conn.default_channel  # noqa: B018 - opening a channel pings the server
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return "timeout" if is_timeout(exc) else "down"


@never_cache
def healthz(request):
    database = "ok" if _database_ok() else "down"
    broker = _broker_status()
    healthy = database == "ok" and broker != "timeout"
    return JsonResponse({"database": database, "broker": broker}, status=200 if healthy else 503)
