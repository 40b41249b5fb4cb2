"""A unit's own pages: service types, populations and targets, extra items and the questionnaire preview."""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..access import is_role, selected_period, staff_required, unit_in_scope
from ..forms import ExtraItemForm, PopulationForm, ServiceHoursForm, UnitServiceForm, UnitTargetForm
from ..models import ExtraItem, Period, Role, Target, UnitService
from ..populations import served_proposal, use_served_populations
from ..services import (
    ServiceError,
    add_unit_service,
    adjust_unit_target,
    carry_targets,
    set_population,
    set_service_active,
    set_service_hours,
)


def may_adjust_targets(user) -> bool:
    """Kanwil staff and Pusat adjust targets; officers enter populations."""
    return is_role(user, Role.PUSAT) or is_role(user, Role.KANWIL)


def precision_panel(request, unit, period) -> str:
    """The targets by precision beside the Krejcie–Morgan target (settings.TARGET_PRECISION_HOOK, reporting's)."""
    hook = getattr(settings, "TARGET_PRECISION_HOOK", "")
    return import_string(hook)(unit=unit, period=period, request=request) if hook else ""


@staff_required
def unit_targets(request, code):
    unit = unit_in_scope(request.user, code)
    period = selected_period(request)
    if period is None:
        return render(request, "surveys/unit_targets.html", {"unit": unit, "period": None})
    services = list(UnitService.objects.filter(unit=unit, active=True))
    targets = {t.service_id: t for t in Target.objects.filter(period=period, service__unit=unit)}
    may_adjust = may_adjust_targets(request.user)
    data = request.POST if request.method == "POST" else None
    rows = [
        PopulationForm(data, prefix=f"s{s.pk}", service=s, target=targets.get(s.pk),
                       initial={"population": getattr(targets.get(s.pk), "population", None)})
        for s in services
    ]
    adjusted_parts = [t.adjusted_target for t in targets.values() if t.adjusted_target is not None]
    adjust_form = UnitTargetForm(
        data, prefix="unit", population=sum(t.population for t in targets.values()),
        initial={"adjusted_target": sum(adjusted_parts) if adjusted_parts else None},
    ) if may_adjust else None
    if request.method == "POST":
        if period.status == Period.Status.CLOSED:
            messages.error(request, _("Periode %(p)s sudah ditutup.") % {"p": period.name})
        elif all(form.is_valid() for form in rows):
            kept = {pk: t.population for pk, t in targets.items()}
            entered = {form.service.pk: form.cleaned_data["population"] for form in rows
                       if form.cleaned_data.get("population") is not None}
            if adjust_form is not None:
                adjust_form.population = sum({**kept, **entered}.values())
            if adjust_form is None or adjust_form.is_valid():
                saved = _save_rows(rows, period, request.user)
                if adjust_form is not None and entered:
                    adjust_unit_target(period=period, unit=unit, acting_user=request.user,
                                       adjusted=adjust_form.cleaned_data.get("adjusted_target"))
                messages.success(request, _("%(n)d jenis layanan disimpan.") % {"n": saved})
                return redirect(f"{request.path}?periode={period.pk}")
    totals = {
        "population": sum(t.population for t in targets.values()),
        "sample": sum(t.sample_target for t in targets.values()),
        "target": sum(t.effective_target for t in targets.values()),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/unit_targets.html", {
        "unit": unit, "period": period, "rows": rows, "totals": totals, "may_adjust": may_adjust,
        "adjust_form": adjust_form, "adjusted": bool(adjusted_parts),
        "periods": Period.objects.all(), "missing": sum(1 for s in services if s.pk not in targets),
        "precision_panel": precision_panel(request, unit, period),
    }, status=status)


def _save_rows(rows, period, user) -> int:
    saved = 0
    for form in rows:
        population = form.cleaned_data.get("population")
        if population is None:
            continue
        set_population(period=period, service=form.service, population=population, acting_user=user)
        saved += 1
    return saved


@staff_required
@require_POST
def unit_targets_carry(request, code):
    unit = unit_in_scope(request.user, code)
    pk = request.POST.get("period", "")
    period = get_object_or_404(Period, pk=pk) if pk.isdigit() else None
    if period is None:
        messages.error(request, _("Pilih periode terlebih dahulu."))
        return redirect("unit_targets", code=unit.code)
    if period.status == Period.Status.CLOSED:
        messages.error(request, _("Periode %(p)s sudah ditutup.") % {"p": period.name})
    else:
        n = carry_targets(period=period, unit=unit, acting_user=request.user)
        messages.success(request, _("%(n)d populasi disalin dari periode sebelumnya.") % {"n": n})
    return redirect(f"{reverse('unit_targets', args=[unit.code])}?periode={period.pk}")


@staff_required
def unit_targets_served(request, code):
    """Proposes each service's population as the people served in the previous period (service counts, else
    tickets issued), shows the targets they give, and on confirmation stores them as an entered population."""
    unit = unit_in_scope(request.user, code)
    period = selected_period(request)
    if period is None:
        return redirect("unit_targets", code=unit.code)
    back = f"{reverse('unit_targets', args=[unit.code])}?periode={period.pk}"
    proposal = served_proposal(unit, period)
    status = 200
    if request.method == "POST":
        confirmed = {}
        for key, value in request.POST.items():
            if key.startswith("s") and key[1:].isdigit():
                if not value.isdigit():
                    confirmed = None
                    break
                confirmed[int(key[1:])] = int(value)
        try:
            if confirmed is None:
                raise ServiceError(_("Jumlah dilayani berubah sejak ditampilkan: periksa usulan sekali lagi."))
            n = use_served_populations(unit=unit, period=period, confirmed=confirmed, acting_user=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            proposal, status = served_proposal(unit, period), 400
        else:
            messages.success(request, _("%(n)d populasi diisi dari jumlah dilayani %(p)s.")
                             % {"n": n, "p": proposal.previous.name})
            return redirect(back)
    return render(request, "surveys/unit_targets_served.html", {
        "unit": unit, "period": period, "proposal": proposal, "rows": proposal.with_targets(), "back": back,
    }, status=status)


@staff_required
def unit_services(request, code):
    unit = unit_in_scope(request.user, code)
    form = UnitServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = add_unit_service(unit=unit, acting_user=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("Layanan %(s)s ditambahkan.") % {"s": service})
            return redirect("unit_services", code=unit.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/unit_services.html", {
        "unit": unit, "services": UnitService.objects.filter(unit=unit), "form": form,
        "hours_form": _hours_form(unit) if not is_role(request.user, Role.UPT) else None,
    }, status=status)


def _hours_form(unit, data=None):
    return ServiceHoursForm(data, initial={"opens_at": unit.opens_at, "closes_at": unit.closes_at})


@staff_required(Role.KANWIL)
@require_POST
def unit_hours(request, code):
    """Kanwil staff (and Pusat) set a unit's service hours; officers see them."""
    unit = unit_in_scope(request.user, code)
    form = _hours_form(unit, request.POST)
    if form.is_valid():
        set_service_hours(unit=unit, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Jam layanan disimpan."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("unit_services", code=unit.code)


@staff_required
@require_POST
def unit_service_toggle(request, code, pk):
    unit = unit_in_scope(request.user, code)
    service = get_object_or_404(UnitService, unit=unit, pk=pk)
    set_service_active(service=service, active=not service.active, acting_user=request.user)
    return redirect("unit_services", code=unit.code)


# --------------------------------------------------------------------------- extra items
TEXT_ITEM_WARNING = gettext_lazy("Butir teks bebas: jawabannya bisa mengenali responden. Jangan meminta nama, "
                                 "nomor telepon atau ciri pribadi. Jawaban sampai ke UPT berkelompok dan "
                                 "tertunda, seperti saran.")

def _extra_items_page(request, *, owner_kwargs, period, template_context, back):
    form = ExtraItemForm(request.POST or None)
    if request.method == "POST":
        if period is None or period.status == Period.Status.CLOSED:
            raise PermissionDenied
        if form.is_valid():
            item = form.save(commit=False)
            item.period = period
            for key, value in owner_kwargs.items():
                setattr(item, key, value)
            item.save()
            messages.success(request, _("Butir tambahan disimpan."))
            if item.kind == ExtraItem.Kind.TEXT:
                messages.warning(request, TEXT_ITEM_WARNING)
            return redirect(back)
    items = ExtraItem.objects.filter(period=period, **owner_kwargs) if period else ExtraItem.objects.none()
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/extra_items.html",
                  {**template_context, "period": period, "items": items, "form": form}, status=status)


@staff_required
def unit_extra_items(request, code):
    unit = unit_in_scope(request.user, code)
    period = selected_period(request)
    inherited = ExtraItem.objects.filter(period=period, kanwil=unit.kanwil) if period else []
    return _extra_items_page(request, owner_kwargs={"unit": unit}, period=period, back=request.get_full_path(),
                             template_context={"unit": unit, "owner_name": unit.name, "inherited": inherited})


@staff_required
@require_POST
def extra_item_toggle(request, pk):
    # Officers see only their unit's items here, so they cannot switch off a Kanwil's item for every unit.
    item = get_object_or_404(ExtraItem.objects.visible_to(request.user).select_related("unit", "kanwil"), pk=pk)
    item.active = not item.active
    item.save(update_fields=["active"])
    back = (reverse("unit_extra_items", args=[item.unit.code]) if item.unit_id
            else reverse("kanwil_extra_items", args=[item.kanwil.code]))
    return redirect(f"{back}?periode={item.period_id}")


@staff_required
def unit_preview(request, code):
    """The unit's effective questionnaire, read-only, as a respondent will see it."""
    unit = unit_in_scope(request.user, code)
    period = selected_period(request)
    versions = period.versions_in_order() if period else []
    return render(request, "surveys/preview.html", {
        "unit": unit,
        "period": period,
        "instruments": [(v, v.indicators.all(), v.localized_scale()) for v in versions],
        "extra_items": ExtraItem.objects.effective_for(unit, period) if period else [],
        "services": UnitService.objects.filter(unit=unit, active=True),
    })
