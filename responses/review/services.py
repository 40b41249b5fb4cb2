"""Review of flagged responses by Kanwil staff: who may review, the queue's reads, and the decision service.

A decision never touches the answers: it records a ReviewDecision, sets Response.status (and its
Scoresheets' copies) and writes the audit row, in one transaction; the affected unit-periods are then
recomputed in the background.
"""
from dataclasses import dataclass
from datetime import datetime

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.access import is_role
from surveys.audit import record_review_decision
from surveys.models import Role, Unit, sees_everything

from ..models import Flag, Response, ReviewDecision, ReviewWindow, Scoresheet
from ..recompute import queue_recompute_on_commit

NEW_STATUS = {
    ReviewDecision.Decision.REJECT: Response.Status.REJECTED,
    ReviewDecision.Decision.REINSTATE: Response.Status.ACCEPTED,
}


def can_review(user) -> bool:
    """Kanwil staff (for their region) and Pusat review flagged responses; UPT officers never do."""
    return sees_everything(user) or is_role(user, Role.KANWIL)


def reviewable(user):
    """Flagged responses this user may decide on: none for officers, their region's for Kanwil staff."""
    if not can_review(user):
        return Response.objects.none()
    return Response.objects.visible_to(user).filter(flagged=True)


# --------------------------------------------------------------------------- decisions
@dataclass(frozen=True)
class DecisionResult:
    decided: int  # decision rows written
    changed: int  # responses whose status changed


def decide(*, response_ids: list[int], decision: str, reason: str, acting_user,
           now: datetime | None = None, in_window: bool = False) -> DecisionResult:
    """Rejects or reinstates flagged responses, with a mandatory reason, as `acting_user`.

    Every id must be a flagged response the user may review; otherwise nothing is written
    (PermissionDenied for a user who may not review at all, Response.DoesNotExist for an id out of scope).
    A decision on a response already in that state is still recorded (a reviewer confirming it).
    `in_window`: the responses of a review window, which need not be flagged (decide_window).
    """
    reason = (reason or "").strip()
    if decision not in NEW_STATUS:
        raise ValidationError(_("Keputusan tidak dikenal."))
    if not reason:
        raise ValidationError(_("Alasan wajib diisi."))
    if not response_ids:
        raise ValidationError(_("Pilih minimal satu jawaban."))
    if not can_review(acting_user):
        raise PermissionDenied
    now = now or timezone.now()
    new_status = NEW_STATUS[decision]
    wanted = set(response_ids)
    with transaction.atomic():
        scope = Response.objects.visible_to(acting_user) if in_window else reviewable(acting_user)
        responses = list(scope.filter(pk__in=wanted).select_for_update().order_by("pk"))
        if len(responses) != len(wanted):
            raise Response.DoesNotExist
        changed = [r for r in responses if r.status != new_status]
        decisions = ReviewDecision.objects.bulk_create([
            ReviewDecision(response=r, decision=decision, reason=reason, decided_by=acting_user, decided_at=now)
            for r in responses
        ])
        for response, row in zip(responses, decisions, strict=True):
            record_review_decision(decision=row, old_status=response.status, new_status=new_status,
                                   actor=acting_user, at=now)
        ids = [r.pk for r in changed]
        Response.objects.filter(pk__in=ids).update(status=new_status)
        Scoresheet.objects.filter(response_id__in=ids).update(status=new_status)
        queue_recompute_on_commit((r.unit_id, r.period_id) for r in changed)
    return DecisionResult(decided=len(decisions), changed=len(changed))


# --------------------------------------------------------------------------- reads for the queue
class QueueState:
    PENDING = "belum"
    REJECTED = "ditolak"
    REINSTATED = "dipulihkan"
    ALL = "semua"

    @classmethod
    def choices(cls):
        return [
            (cls.PENDING, _("Belum ditinjau")),
            (cls.REJECTED, _("Ditolak")),
            (cls.REINSTATED, _("Ditinjau, tetap dihitung")),
            (cls.ALL, _("Semua")),
        ]


def with_reviewed(responses):
    """Annotates `reviewed`: whether any decision was recorded on the response."""
    return responses.annotate(reviewed=Exists(ReviewDecision.objects.filter(response=OuterRef("pk"))))


def queue(responses, *, unit: Unit | None = None, rule: str = "", state: str = QueueState.PENDING):
    """The queue's rows: flagged responses filtered by unit, rule and review state, oldest first."""
    qs = with_reviewed(responses)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if rule:
        qs = qs.filter(flags__rule=rule)
    if state == QueueState.PENDING:
        qs = qs.filter(reviewed=False)
    elif state == QueueState.REJECTED:
        qs = qs.filter(status=Response.Status.REJECTED)
    elif state == QueueState.REINSTATED:
        qs = qs.filter(reviewed=True, status=Response.Status.ACCEPTED)
    return (qs.select_related("unit", "access_point", "service")
            .prefetch_related("flags", "scoresheets__version__instrument")
            .distinct().order_by("unit__name", "access_point__name", "created_at", "pk"))


def summary_by_unit_and_rule(responses) -> list[dict]:
    """Per unit: how many flagged responses each rule caught, how many await review, how many are rejected."""
    decided = ReviewDecision.objects.filter(response=OuterRef("response_id"))
    counts = (Flag.objects.filter(response__in=responses)
              .annotate(reviewed=Exists(decided))
              .values("response__unit_id", "rule")
              .annotate(total=Count("response_id", distinct=True),
                        pending=Count("response_id", filter=Q(reviewed=False), distinct=True)))
    per_unit: dict[int, dict] = {}
    for row in counts:
        entry = per_unit.setdefault(row["response__unit_id"], {"rules": {}, "pending": 0})
        entry["rules"][row["rule"]] = {"total": row["total"], "pending": row["pending"]}
    unit_totals = (responses.values("unit_id")
                   .annotate(flagged=Count("pk"),
                             rejected=Count("pk", filter=Q(status=Response.Status.REJECTED)),
                             pending=Count("pk", filter=~Exists(ReviewDecision.objects.filter(
                                 response=OuterRef("pk"))))))
    units = Unit.objects.in_bulk([row["unit_id"] for row in unit_totals])
    rows = []
    for row in unit_totals:
        entry = per_unit.get(row["unit_id"], {"rules": {}})
        rows.append({
            "unit": units[row["unit_id"]],
            "flagged": row["flagged"],
            "rejected": row["rejected"],
            "pending": row["pending"],
            "rules": [(rule, label, entry["rules"].get(rule, {"total": 0, "pending": 0}))
                      for rule, label in Flag.Rule.choices],
        })
    return sorted(rows, key=lambda r: r["unit"].name)


def flag_counts(unit: Unit, period) -> dict:
    """What an officer may see of their own unit: totals and per-rule counts of flagged responses."""
    responses = Response.objects.filter(unit=unit, period=period)
    by_rule = dict(Flag.objects.filter(response__in=responses).values_list("rule")
                   .annotate(n=Count("response_id", distinct=True)).values_list("rule", "n"))
    return {
        "total": responses.count(),
        "flagged": responses.filter(flagged=True).count(),
        "rejected": responses.filter(status=Response.Status.REJECTED).count(),
        "pending": responses.filter(flagged=True).exclude(decisions__isnull=False).count(),
        "rules": [(rule, label, by_rule.get(rule, 0)) for rule, label in Flag.Rule.choices],
        # What respondents said of the officers, as one period count: the unit sees it (issue of anonymity: never
        # per response or per day), unlike the per-rule counts, which would teach evasion.
        "steered": by_rule.get(Flag.Rule.STEERED, 0),
    }


# --------------------------------------------------------------------------- windows
WINDOW_STATUS = {
    ReviewDecision.Decision.REJECT: ReviewWindow.Status.REJECTED,
    ReviewDecision.Decision.REINSTATE: ReviewWindow.Status.REINSTATED,
}


def reviewable_windows(user):
    """Review windows this user may decide on: none for officers, their region's for Kanwil staff."""
    if not can_review(user):
        return ReviewWindow.objects.none()
    return ReviewWindow.objects.filter(unit__in=Unit.objects.visible_to(user)).select_related("unit", "access_point")


def decide_window(*, window_id: int, decision: str, reason: str, acting_user,
                  now: datetime | None = None) -> DecisionResult:
    """Rejects or reinstates every response of a window (through `decide`: audited per response, recomputed)
    and records the window's own decision in the audit trail."""
    if decision not in WINDOW_STATUS:
        raise ValidationError(_("Keputusan tidak dikenal."))
    if not can_review(acting_user):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        window = reviewable_windows(acting_user).select_for_update(of=("self",)).get(pk=window_id)
        result = DecisionResult(decided=0, changed=0)
        if window.response_ids:
            result = decide(response_ids=window.response_ids, decision=decision, reason=reason,
                            acting_user=acting_user, now=now, in_window=True)
        elif not (reason or "").strip():
            raise ValidationError(_("Alasan wajib diisi."))
        old = window.status
        window.status, window.decided_by, window.decided_at = WINDOW_STATUS[decision], acting_user, now
        window.reason = reason.strip()
        window.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        LogEntry.objects.log_create(
            window, force_log=True, action=LogEntry.Action.UPDATE, actor=acting_user, timestamp=now,
            object_repr=f"{window.get_kind_display()} #{window.pk}",
            changes={"status": [old, window.status], "reason": [None, window.reason],
                     "responses": [None, str(len(window.response_ids))]},
            additional_data={"event": "window_decision", "window_id": window.pk},
        )
    return result
