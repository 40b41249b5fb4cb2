"""Writes for follow-up: action plans, evidence, comments and targets, each in one transaction."""
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from responses.models import Response
from surveys.models import Instrument, InstrumentVersion, Period, Unit

from .evidence import check_upload
from .models import ActionPlan, Evidence, FollowUpTarget, PlanComment
from .selectors import indicator_score, unit_snapshot

PLAN_FIELDS = ("problem", "cause", "action", "person_in_charge", "deadline", "status", "is_public")


def _check_plan_refs(*, unit: Unit, period: Period, version: InstrumentVersion, indicator_code: str,
                     suggestions: list[Response]) -> None:
    if not period.instrument_versions.filter(pk=version.pk).exists():
        raise ValidationError(_("Instrumen ini tidak dipakai pada periode tersebut."))
    if not version.indicators.filter(code=indicator_code).exists():
        raise ValidationError(_("Indikator tidak dikenal."))
    if any(r.unit_id != unit.pk or r.period_id != period.pk or not r.suggestion for r in suggestions):
        raise ValidationError(_("Saran yang dipilih bukan milik UPT dan periode ini."))


def _done_on(status: str, previous: date | None, now: datetime) -> date | None:
    if status != ActionPlan.Status.DONE:
        return None
    return previous or timezone.localdate(now)


def create_action_plan(
    *,
    unit: Unit,
    period: Period,
    version: InstrumentVersion,
    indicator_code: str,
    problem: str,
    cause: str,
    action: str,
    person_in_charge: str,
    deadline: date,
    status: str = ActionPlan.Status.PLANNED,
    is_public: bool = False,
    suggestions: list[Response] | None = None,
    evidence_file=None,
    evidence_description: str = "",
    acting_user,
    now: datetime | None = None,
) -> ActionPlan:
    """Records a plan for one indicator, keeping the indicator's score as it stands now."""
    now = now or timezone.now()
    suggestions = list(suggestions or [])
    _check_plan_refs(unit=unit, period=period, version=version, indicator_code=indicator_code,
                     suggestions=suggestions)
    if evidence_file is not None:
        check_upload(evidence_file)
    with transaction.atomic():
        plan = ActionPlan.objects.create(
            unit=unit,
            period=period,
            version=version,
            indicator_code=indicator_code,
            score=indicator_score(unit_snapshot(unit, period, version), indicator_code),
            problem=problem,
            cause=cause,
            action=action,
            person_in_charge=person_in_charge,
            deadline=deadline,
            status=status,
            done_on=_done_on(status, None, now),
            is_public=is_public,
            created_by=acting_user,
        )
        plan.suggestions.set(suggestions)
        if evidence_file is not None:
            add_evidence(plan=plan, upload=evidence_file, description=evidence_description, acting_user=acting_user)
    return plan


def update_action_plan(
    *, plan: ActionPlan, changes: dict, suggestions: list[Response] | None = None, acting_user,
    now: datetime | None = None,
) -> ActionPlan:
    """Changes the plan's text, deadline, status or publication; the audit log keeps old and new values."""
    now = now or timezone.now()
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if suggestions is not None:
        _check_plan_refs(unit=plan.unit, period=plan.period, version=plan.version,
                         indicator_code=plan.indicator_code, suggestions=suggestions)
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        for name, value in changes.items():
            setattr(plan, name, value)
        plan.done_on = _done_on(plan.status, plan.done_on, now)
        plan.save(update_fields=[*changes, "done_on", "updated_at"])
        if suggestions is not None:
            plan.suggestions.set(suggestions)
    return plan


def add_evidence(*, plan: ActionPlan, upload, description: str = "", acting_user) -> Evidence:
    """Stores a checked file under MEDIA_ROOT with a random name; the original name is only a label."""
    _kind, content_type = check_upload(upload)
    with transaction.atomic():
        evidence = Evidence(
            plan=plan,
            original_name=(upload.name or "bukti")[-200:],
            content_type=content_type,
            size=upload.size,
            description=description,
            uploaded_by=acting_user,
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
    return evidence


def remove_evidence(*, evidence: Evidence, acting_user) -> None:
    """Deletes a wrongly uploaded file: the row now, the stored file once the deletion is committed."""
    storage, name = evidence.file.storage, evidence.file.name
    with transaction.atomic():
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(name))


def add_comment(*, plan: ActionPlan, body: str, acting_user) -> PlanComment:
    body = body.strip()
    if not body:
        raise ValidationError(_("Komentar tidak boleh kosong."))
    return PlanComment.objects.create(plan=plan, body=body, author=acting_user)


def set_target(*, instrument: Instrument, period: Period | None, target_nrr: Decimal, acting_user) -> FollowUpTarget:
    """Sets the target NRR for an instrument, for one period or (period None) as the standing default."""
    if target_nrr <= 0:
        raise ValidationError(_("Target harus lebih dari nol."))
    row, _created = FollowUpTarget.objects.update_or_create(  # atomic by itself
        instrument=instrument, period=period, defaults={"target_nrr": target_nrr, "updated_by": acting_user}
    )
    return row
