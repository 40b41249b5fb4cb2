"""Follow-up pages: a unit's inventory and plans, plan detail, evidence, Kanwil monitoring, guide, public page."""
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reporting.api.downloads import download_periods
from reporting.free_text import readable_texts
from reporting.publication import Thresholds
from responses.disclosure import sees_rows
from surveys.access import is_role, staff_required, unit_in_scope
from surveys.models import Kanwil, Period, Role, Unit

from . import monitoring as monitoring_rows
from . import public, selectors, services
from .forms import ActionPlanForm, CommentForm, EvidenceForm, MonitoringFilterForm, TargetForm
from .models import ActionPlan, Evidence, FollowUpTarget


def _plan_in_scope(user, pk: int) -> ActionPlan:
    return get_object_or_404(
        ActionPlan.objects.visible_to(user).select_related("unit__kanwil", "period", "version__instrument"), pk=pk
    )


def _require_unit_officer(user, unit: Unit) -> None:
    """Only the unit's own officers record and change its plans; Kanwil and Pusat monitor and comment."""
    if not is_role(user, Role.UPT) or user.membership.unit_id != unit.pk:
        raise PermissionDenied


def _period_or_404(pk) -> Period:
    return get_object_or_404(Period.objects.exclude(status=Period.Status.SCHEDULED), pk=pk)


# --------------------------------------------------------------------------- unit
@staff_required
def unit_followup(request, code):
    """The unit's follow-up page: this period's checklist, how planned indicators moved, the inventory."""
    unit = unit_in_scope(request.user, code)
    now = timezone.now()
    current = Period.objects.current()
    periods = selectors.periods_with_results(unit)
    selected = None
    if request.GET.get("periode", "").isdigit():
        selected = next((p for p in periods if p.pk == int(request.GET["periode"])), None)
    if selected is None:
        selected = next((p for p in periods if p.status == Period.Status.CLOSED), None) or (
            periods[0] if periods else None
        )
    previous = selectors.previous_closed_period(current) if current else None
    return render(
        request,
        "reporting/followups/unit.html",
        {
            "unit": unit,
            "current_period": current,
            "checklist": selectors.period_checklist(unit, current, now=now),
            "periods": periods,
            "selected": selected,
            "sections": selectors.inventory(unit, selected, today=timezone.localdate(now)) if selected else [],
            "movements": selectors.indicator_movements(unit, previous, restricted=not sees_rows(request.user))
            if previous else [],
            "movement_period": previous,
            "can_edit": is_role(request.user, Role.UPT),
            "today": timezone.localdate(now),
        },
    )


@staff_required
def suggestions(request, code, period_pk):
    """The unit's respondent suggestions for a period, each linkable to a new action plan."""
    unit = unit_in_scope(request.user, code)
    period = _period_or_404(period_pk)
    restricted = not sees_rows(request.user)  # a UPT officer: released batches, the date only
    return render(
        request,
        "reporting/followups/suggestions.html",
        {"unit": unit, "period": period, "restricted": restricted,
         "suggestions": selectors.unit_suggestions(unit, period, batched=restricted),
         "can_edit": is_role(request.user, Role.UPT)},
    )


@staff_required
def plan_new(request, code, period_pk):
    unit = unit_in_scope(request.user, code)
    _require_unit_officer(request.user, unit)
    period = _period_or_404(period_pk)
    versions = period.versions_in_order()
    form_kwargs = {"unit": unit, "period": period, "versions": versions}
    if request.method == "POST":
        form = ActionPlanForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            version, code_ = form.cleaned_data["indicator"]
            data = {k: form.cleaned_data[k] for k in ActionPlanForm.Meta.fields}
            try:
                plan = services.create_action_plan(
                    unit=unit, period=period, version=version, indicator_code=code_,
                    suggestions=list(form.cleaned_data["suggestions"]),
                    evidence_file=form.cleaned_data.get("evidence"),
                    evidence_description=form.cleaned_data.get("evidence_description", ""),
                    acting_user=request.user, **data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Rencana tindak lanjut disimpan."))
                return redirect("followup_plan", plan.pk)
        status = 400
    else:
        initial = {}
        if request.GET.get("indikator"):
            wanted = request.GET["indikator"]
            for version in versions:
                if version.indicators.filter(code=wanted).exists():
                    initial["indicator"] = f"{version.pk}:{wanted}"
        if request.GET.get("saran", "").isdigit():
            initial["suggestions"] = [int(request.GET["saran"])]
        form = ActionPlanForm(initial=initial, **form_kwargs)
        status = 200
    return render(request, "reporting/followups/plan_form.html",
                  {"form": form, "unit": unit, "period": period, "plan": None,
                   "max_bytes": settings.FOLLOWUP_EVIDENCE_MAX_BYTES}, status=status)


@staff_required
def plan_edit(request, pk):
    plan = _plan_in_scope(request.user, pk)
    _require_unit_officer(request.user, plan.unit)
    form_kwargs = {"unit": plan.unit, "period": plan.period, "versions": plan.period.versions_in_order(),
                   "editing": True, "instance": plan}
    if request.method == "POST":
        form = ActionPlanForm(request.POST, **form_kwargs)
        if form.is_valid():
            changes = {k: form.cleaned_data[k] for k in ActionPlanForm.Meta.fields}
            try:
                services.update_action_plan(plan=plan, changes=changes, acting_user=request.user,
                                            suggestions=list(form.cleaned_data["suggestions"]))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Rencana tindak lanjut diperbarui."))
                return redirect("followup_plan", plan.pk)
        status = 400
    else:
        form = ActionPlanForm(**form_kwargs)
        status = 200
    return render(request, "reporting/followups/plan_form.html",
                  {"form": form, "unit": plan.unit, "period": plan.period, "plan": plan,
                   "max_bytes": settings.FOLLOWUP_EVIDENCE_MAX_BYTES}, status=status)


def _render_plan(request, plan: ActionPlan, *, evidence_form=None, comment_form=None, status=200):
    today = timezone.localdate()
    is_officer = is_role(request.user, Role.UPT)
    key = plan.status_key(today)
    return render(
        request,
        "reporting/followups/plan_detail.html",
        {
            "plan": plan,
            "unit": plan.unit,
            "statement": selectors.indicator_statement(plan.version, plan.indicator_code),
            # How the plan's indicator moved into the next period, tested against its uncertainty.
            "movements": [m for m in selectors.indicator_movements(plan.unit, plan.period,
                                                                   restricted=not sees_rows(request.user))
                          if (m.plan.version_id, m.plan.indicator_code) == (plan.version_id, plan.indicator_code)
                          and m.next_period is not None],
            "movement_period": plan.period,
            "status_key": key,
            "status_label": selectors.STATUS_LABELS[key],
            "evidence": plan.evidence.all(),
            "comments": plan.comments.select_related("author"),
            "suggestions": readable_texts(plan.suggestions.select_related("service")),
            "can_edit": is_officer,
            "evidence_form": evidence_form or (EvidenceForm() if is_officer else None),
            "comment_form": comment_form or CommentForm(),
        },
        status=status,
    )


@staff_required
def plan_detail(request, pk):
    return _render_plan(request, _plan_in_scope(request.user, pk))


@require_POST
@staff_required
def evidence_add(request, pk):
    plan = _plan_in_scope(request.user, pk)
    _require_unit_officer(request.user, plan.unit)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_evidence(plan=plan, upload=form.cleaned_data["file"],
                              description=form.cleaned_data["description"], acting_user=request.user)
        messages.success(request, _("Bukti diunggah."))
        return redirect("followup_plan", plan.pk)
    return _render_plan(request, plan, evidence_form=form, status=400)


@staff_required
def evidence_download(request, pk):
    """Streams an evidence file to a user who may see its unit; anyone else gets a 404."""
    evidence = get_object_or_404(
        Evidence.objects.filter(plan__in=ActionPlan.objects.visible_to(request.user)), pk=pk
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                        content_type=evidence.content_type)


@require_POST
@staff_required
def evidence_delete(request, pk):
    evidence = get_object_or_404(
        Evidence.objects.filter(plan__in=ActionPlan.objects.visible_to(request.user)).select_related("plan__unit"),
        pk=pk,
    )
    _require_unit_officer(request.user, evidence.plan.unit)
    services.remove_evidence(evidence=evidence, acting_user=request.user)
    messages.success(request, _("Bukti dihapus."))
    return redirect("followup_plan", evidence.plan_id)


@require_POST
@staff_required
def comment_add(request, pk):
    plan = _plan_in_scope(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(plan=plan, body=form.cleaned_data["body"], acting_user=request.user)
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, _("Komentar ditambahkan."))
            return redirect("followup_plan", plan.pk)
    return _render_plan(request, plan, comment_form=form, status=400)


# --------------------------------------------------------------------------- Kanwil and Pusat
@staff_required(Role.KANWIL)
def monitoring(request):
    """Every unit in scope with its follow-up of a closed period's results (those with no plan included),
    then all plans: filters, overdue highlighted, links to comment."""
    today = timezone.localdate()
    form = MonitoringFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    only_missing = filters.get("follow_up") == "none"
    plans = selectors.monitoring_plans(
        request.user, today=today, period=filters.get("period"), kanwil=filters.get("kanwil"),
        unit=filters.get("unit"), status=filters.get("status", ""), instrument=filters.get("instrument"),
    )
    closed = monitoring_rows.monitoring_period(filters.get("period"))
    units = monitoring_rows.unit_follow_ups(
        request.user, closed, today=today, kanwil=filters.get("kanwil"), unit=filters.get("unit"),
        only_missing=only_missing,
    ) if closed is not None else []
    rows = [] if only_missing else selectors.with_display_status(plans[:500], today)
    return render(
        request,
        "reporting/followups/monitoring.html",
        {"form": form, "rows": rows, "total": plans.count(),
         "overdue_count": plans.overdue(today).count(),
         "closed_period": closed, "unit_rows": units, "only_missing": only_missing,
         "units_without_plan": sum(1 for u in units if not u.total),
         "show_kanwil": is_role(request.user, Role.PUSAT)},
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


@staff_required(Role.PUSAT)
def targets(request):
    """Pusat sets the target NRR per instrument (standing, or for one period)."""
    if request.method == "POST":
        form = TargetForm(request.POST)
        if form.is_valid():
            try:
                services.set_target(acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Target disimpan."))
                return redirect("followup_targets")
        status = 400
    else:
        form, status = TargetForm(), 200
    rows = FollowUpTarget.objects.select_related("instrument", "period").order_by("instrument__position", "period")
    context = {"form": form, "rows": rows, "default_target": Decimal(settings.FOLLOWUP_DEFAULT_TARGET_NRR)}
    return render(request, "reporting/followups/targets.html", context, status=status)


# --------------------------------------------------------------------------- guide
@staff_required
def guide(request):
    return render(request, "guide/index.html")


# --------------------------------------------------------------------------- public
def _public_context(**context) -> dict:
    return {"thresholds": Thresholds.from_settings(), "data_periods": download_periods(), **context}


def public_index(request):
    return render(request, "public/index.html", _public_context(kanwils=Kanwil.objects.all()))


def public_kanwil(request, code):
    kanwil = get_object_or_404(Kanwil, code=code)
    latest = public.latest_public_period(kanwil)
    return render(
        request,
        "public/kanwil.html",
        _public_context(
            kanwil=kanwil,
            results=public.public_kanwil_results(kanwil),
            latest=latest,
            table=public.public_unit_table(kanwil, latest) if latest else None,
            items=public.public_action_items(kanwil.units.all()),
        ),
    )


def public_unit(request, code):
    unit = get_object_or_404(Unit.objects.active().select_related("kanwil"), code=code)
    return render(
        request,
        "public/unit.html",
        _public_context(unit=unit, results=public.public_unit_results(unit),
                        items=public.public_action_items([unit])),
    )
