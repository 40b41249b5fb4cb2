"""The audit trail (django-auditlog): which models are tracked, plus the events no model save expresses.

Changes to the organisation, instruments, periods, targets, access points and memberships are logged by
auditlog's registry (the actor comes from AuditlogMiddleware). Review decisions and export downloads are
written here explicitly, with the acting user passed in, so they are logged the same way from a request,
a Celery task or a shell. Nothing in the trail is editable through the UI.
"""
from datetime import datetime

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.utils import timezone

from ..models import (
    AccessPoint,
    ExtraItem,
    Indicator,
    Instrument,
    InstrumentVersion,
    Kanwil,
    Membership,
    Period,
    Target,
    Unit,
    UnitService,
)

for model in (Kanwil, Unit, UnitService, Membership, Instrument, InstrumentVersion, Indicator, Period, Target,
              ExtraItem):
    auditlog.register(model, m2m_fields={"instrument_versions"} if model is Period else None)
auditlog.register(AccessPoint, exclude_fields=["token"])

EVENT_DOWNLOAD = "download"
EVENT_REVIEW = "review_decision"


def record_download(*, user, obj, filename: str, at: datetime | None = None) -> LogEntry:
    """Logs that `user` downloaded the file of `obj` (an export job). To be called by the download view."""
    return LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, actor=user, timestamp=at or timezone.now(),
        changes={"filename": [None, filename]},
        additional_data={"event": EVENT_DOWNLOAD, "filename": filename},
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
