"""Survey periods: the list for every staff member; creating, opening and closing for period managers."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import staff_required
from ..forms import PeriodForm
from ..models import Period
from ..services import ServiceError, can_manage_periods, close_period, create_period, open_period


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
    return render(request, "surveys/period_list.html",
                  {"periods": periods, "form": form, "may_manage": may_manage}, status=status)


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
@require_POST
def period_close(request, pk):
    return _transition(request, pk, close_period, _("Periode %(p)s ditutup."))
