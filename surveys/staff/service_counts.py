"""A unit's service counts (people served per service and day): a form, an Excel/CSV upload, its template."""
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import selected_period, staff_required, unit_in_scope
from ..forms import ServiceCountForm, ServiceCountUploadForm
from ..models import ServiceCount
from ..service_counts import CountRow, parse_upload, record_counts, template_file

SHOWN_DAYS = 62


def _window(request):
    """The days the page lists and the template holds: the selected period, else the last two months."""
    period = selected_period(request)
    today = timezone.localdate()
    if period is not None:
        return period, period.starts_on, min(period.ends_on, today)
    return None, today - timedelta(days=SHOWN_DAYS), today


def _page(request, unit, *, form, upload_form, upload_errors=(), status=200):
    period, first_day, last_day = _window(request)
    counts = (ServiceCount.objects.filter(service__unit=unit, day__range=(first_day, last_day))
              .select_related("service"))
    return render(request, "surveys/service_counts.html", {
        "unit": unit, "period": period, "form": form, "upload_form": upload_form, "upload_errors": upload_errors,
        "counts": counts, "first_day": first_day, "last_day": last_day, "query": request.GET.urlencode(),
    }, status=status)


@staff_required
def service_counts(request, code):
    unit = unit_in_scope(request.user, code)
    today = timezone.localdate()
    form = ServiceCountForm(request.POST or None, unit=unit, today=today, initial={"first_day": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        n = record_counts(unit=unit, acting_user=request.user, rows=[CountRow(
            service=data["service"], first_day=data["first_day"], last_day=data["last_day"], served=data["served"])])
        messages.success(request, _("Jumlah layanan disimpan untuk %(n)d hari.") % {"n": n})
        return redirect(request.get_full_path())
    return _page(request, unit, form=form, upload_form=ServiceCountUploadForm(),
                 status=400 if request.method == "POST" else 200)


@staff_required
@require_POST
def service_counts_upload(request, code):
    """All rows or none: a file with any wrong row stores nothing and lists each error by row and column."""
    unit = unit_in_scope(request.user, code)
    upload_form = ServiceCountUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        rows, errors = parse_upload(upload.read(), upload.name, unit=unit)
        if not errors:
            n = record_counts(unit=unit, rows=rows, acting_user=request.user)
            messages.success(request, _("Unggahan diterima: %(n)d jumlah harian disimpan.") % {"n": n})
            return redirect("service_counts", code=code)
    return _page(request, unit, form=ServiceCountForm(unit=unit, today=timezone.localdate()),
                 upload_form=upload_form, upload_errors=errors, status=400)


@staff_required
def service_counts_template(request, code, kind):
    unit = unit_in_scope(request.user, code)
    if kind not in ("csv", "xlsx"):
        raise Http404
    _period, first_day, last_day = _window(request)
    data = template_file(unit, first_day=first_day, last_day=last_day, kind=kind)
    content_type = ("text/csv; charset=utf-8" if kind == "csv"
                    else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="Jumlah_layanan_{unit.code}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response
