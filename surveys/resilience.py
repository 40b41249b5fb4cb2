"""A database connection that drops mid-request (a PostgreSQL restart, a failover, a pooler recycling its
backends) must never show a respondent or an officer a 500.

- `retry_on_dropped_connection` wraps a view that is safe to run twice (the public form: its idempotency
  key makes a second run store nothing new): on `OperationalError`/`InterfaceError` outside a transaction it
  closes the broken connection and runs the view once more on a fresh one; if that fails too, the view's own
  `unavailable` page answers 503.
- `DatabaseUnavailableMiddleware` turns the same errors raised by any other view into the friendly 503 page
  (`errors/503.html`, with Retry-After); `surveys.views.server_error` does the same for errors raised by a
  middleware before the view ran (a session read).
"""
import functools
import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
DROPPED = (OperationalError, InterfaceError)


def is_dropped_connection(exc: BaseException | None) -> bool:
    """True for the errors a closed or unreachable database raises (not for a bad query or a constraint)."""
    return isinstance(exc, DROPPED) or (isinstance(exc, DatabaseError) and isinstance(exc.__cause__, DROPPED))


def _discard_connection() -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a dead connection may fail to close; it is dropped either way
        connection.connection = None


def unavailable_page(request, *, template="errors/503.html", context=None):
    """Rendered without the context processors: they read the user and the session, i.e. the database."""
    context = {"request": request, "csrf_token": get_token(request), **(context or {})}
    response = HttpResponse(loader.get_template(template).render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def retry_on_dropped_connection(*, unavailable):
    """Decorator: run the view again once on a fresh connection, else return `unavailable(request, ...)`."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            for attempt in (1, 2):
                try:
                    return view(request, *args, **kwargs)
                except DROPPED as exc:
                    if connection.in_atomic_block:
                        raise  # the caller's transaction is lost; only its owner can retry it
                    logger.warning("Database connection lost in %s (attempt %s): %s", request.path, attempt, exc)
                    _discard_connection()
            return unavailable(request, *args, **kwargs)

        return wrapper

    return decorate


class DatabaseUnavailableMiddleware:
    """Any view's dropped connection becomes the friendly 503 page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_dropped_connection(exception):
            return None
        logger.warning("Database unavailable for %s: %s", request.path, exception)
        _discard_connection()
        return unavailable_page(request)


def current_exception_is_dropped_connection() -> bool:
    """For handler500, which Django calls while the exception is being handled."""
    return is_dropped_connection(sys.exc_info()[1])
