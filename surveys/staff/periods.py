"""Survey periods: the list for every staff member; creating, opening and closing (after a confirmation) for
period managers; reopening a recently closed period for Pusat."""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import staff_required
from ..forms import PeriodForm, PeriodReopenForm
from ..models import Period, sees_everything
from ..services import ServiceError, can_manage_periods, close_period, create_period, open_period, reopen_period


@staff_required
def period_list(request):
    may_manage = can_manage_periods(request.user)
    form = PeriodForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                period = create_period(
                    programme="spak-spkp", name=data["name"], kind=data["kind"], starts_on=data["starts_on"],
                    ends_on=data["ends_on"], versions=list(data["instrument_versions"]), acting_user=request.user,
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Periode %(p)s dijadwalkan.") % {"p": period.name})
                return redirect("period_list")
    periods = Period.objects.prefetch_related("instrument_versions__instrument")
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/period_list.html", {
        "periods": periods, "form": form, "may_manage": may_manage, "may_reopen": sees_everything(request.user),
    }, status=status)


def _transition(request, pk, action, done_message):
    if not can_manage_periods(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, pk=pk)
    try:
        action(period=period, acting_user=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done_message % {"p": period.name})
    return redirect("period_list")


@staff_required
@require_POST
def period_open(request, pk):
    return _transition(request, pk, open_period, _("Periode %(p)s dibuka."))


@staff_required
def period_close(request, pk):
    """GET (or a POST without `confirm`) shows what closing does; a POST with `confirm` closes."""
    if not can_manage_periods(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, pk=pk)
    if request.method == "POST" and request.POST.get("confirm"):
        return _transition(request, pk, close_period, _("Periode %(p)s ditutup; angka finalnya sudah dipublikasikan."))
    return render(request, "surveys/period_close.html",
                  {"period": period, "reopen_days": settings.PERIOD_REOPEN_DAYS})


@staff_required
def period_reopen(request, pk):
    """Pusat reopens a recently closed period, giving a reason."""
    if not sees_everything(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, pk=pk)
    form = PeriodReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reopen_period(period=period, reason=form.cleaned_data["reason"], acting_user=request.user)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Periode %(p)s dibuka kembali.") % {"p": period.name})
            return redirect("period_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/period_reopen.html", {
        "period": period, "form": form, "until": period.reopenable_until(), "reopen_days": settings.PERIOD_REOPEN_DAYS,
    }, status=status)
