"""The audit trail (django-auditlog): which models are tracked, plus the events no model save expresses.

Changes to the organisation, instruments, periods, targets, access points and memberships are logged by
auditlog's registry. Services that change audited rows take a keyword-only `acting_user` and are wrapped in
`audited`, so the trail names who acted whether the call came from a request, a Celery task or a command;
commands and scheduled jobs act as `system_actor()`. Review decisions and export downloads are written here
explicitly, with the acting user passed in. Nothing in the trail is editable through the UI.
"""
from contextlib import contextmanager
from datetime import datetime
from functools import wraps

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.utils import timezone

from ..models import (
    AccessPoint,
    ExtraItem,
    Indicator,
    Instrument,
    InstrumentVersion,
    Kanwil,
    KioskDevice,
    Membership,
    Period,
    ServiceCount,
    Target,
    TicketBatch,
    Unit,
    UnitService,
)

for model in (Kanwil, Unit, UnitService, Membership, Instrument, InstrumentVersion, Indicator, Period, Target,
              ExtraItem):
    auditlog.register(model, m2m_fields={"instrument_versions"} if model is Period else None)
auditlog.register(AccessPoint, exclude_fields=["token"])
auditlog.register(TicketBatch)
auditlog.register(ServiceCount)
auditlog.register(KioskDevice, exclude_fields=["code_digest", "credential_digest", "last_sync_at"])

SYSTEM_USERNAME = "sistem"


def system_actor():
    """The named actor of changes made by management commands and scheduled jobs: an inactive user "sistem"
    that cannot log in (no usable password), created on first use."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "Sistem", "last_name": "(otomatis)", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@contextmanager
def acting(user):
    """Model changes inside the block are audited as done by `user`. Nests safely inside a request, whose
    AuditlogMiddleware has already set the signed-in user, and inside another `acting` block.

    It always connects its own actor: auditlog leaves its context variable set after a block ends, with the
    block's receiver gone, so a value found there may be stale (a long-running process, such as the
    scheduler, running one job after another in the same thread)."""
    try:
        outer = auditlog_value.get()
    except LookupError:
        outer = None
    try:
        with set_actor(user):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def audited(service):
    """Wraps a service whose keyword-only `acting_user` (required) is the actor of every change it makes."""

    @wraps(service)
    def wrapper(*args, acting_user, **kwargs):
        if acting_user is None:
            raise TypeError(f"{service.__name__}() needs an acting_user (a person, or surveys.audit.system_actor())")
        with acting(acting_user):
            return service(*args, acting_user=acting_user, **kwargs)

    return wrapper


EVENT_DOWNLOAD = "download"
EVENT_REVIEW = "review_decision"
EVENT_TEXT_EXPORT = "free_text_export"
EVENT_RETENTION = "retention"


def record_download(*, user, obj, filename: str, at: datetime | None = None) -> LogEntry:
    """Logs that `user` downloaded the file of `obj` (an export job). To be called by the download view."""
    return LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, actor=user, timestamp=at or timezone.now(),
        changes={"filename": [None, filename]},
        additional_data={"event": EVENT_DOWNLOAD, "filename": filename},
    )


def record_text_export(*, user, obj, reason: str, at: datetime | None = None) -> LogEntry:
    """Logs that `user` asked for respondents' free text in an export (`obj`, the job), with their reason."""
    return LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, actor=user, timestamp=at or timezone.now(),
        changes={"include_text": [None, "true"], "reason": [None, reason]},
        additional_data={"event": EVENT_TEXT_EXPORT, "reason": reason},
    )


def record_retention(*, obj, changed: int, at: datetime | None = None) -> LogEntry:
    """Logs, as the system actor, that the retention job cleared free text and coarsened times of a period."""
    return LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.UPDATE, actor=system_actor(), timestamp=at or timezone.now(),
        changes={"retention": [None, f"{changed} responses: free text deleted, times coarsened to the day"]},
        additional_data={"event": EVENT_RETENTION, "responses": changed},
    )


def record_review_decision(*, decision, old_status: str, new_status: str, actor,
                           at: datetime | None = None) -> LogEntry:
    """Logs a reviewer's decision on a response with its reason and the status before and after."""
    return LogEntry.objects.log_create(
        decision, force_log=True, action=LogEntry.Action.CREATE, actor=actor, timestamp=at or timezone.now(),
        object_repr=f"{decision.get_decision_display()} #{decision.response_id}",
        changes={
            "response": [None, str(decision.response_id)],
            "decision": [None, decision.decision],
            "reason": [None, decision.reason],
            "status": [old_status, new_status],
        },
        additional_data={"event": EVENT_REVIEW, "response_id": decision.response_id},
    )


EVENT_ACCOUNT = "account"


def record_account_event(*, actor, user, event: str, changes: dict, at: datetime | None = None) -> LogEntry:
    """Logs a change to a staff account (invite, deactivate, reactivate, move) by the admin who made it."""
    return LogEntry.objects.log_create(
        user, force_log=True, action=LogEntry.Action.UPDATE if event != "invite" else LogEntry.Action.CREATE,
        actor=actor, timestamp=at or timezone.now(), object_repr=user.get_username(), changes=changes,
        additional_data={"event": EVENT_ACCOUNT, "account_event": event},
    )
