"""The official report as a printable page (the PDF of the same report comes from the download centre)."""
from csp.decorators import csp_update
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from reporting.exports.build import scope_allowed
from reporting.exports.rows import Scope
from reporting.models import Level
from responses.disclosure import sees_rows
from surveys.access import staff_required
from surveys.audit import record_download
from surveys.models import Kanwil, Period, Unit

from . import render as report_render
from .content import Signatory, build_report


def _scope(request, level: str, code: str) -> Scope:
    if level == "upt":
        unit = get_object_or_404(Unit.objects.visible_to(request.user), code=code)
        return Scope(level=Level.UNIT, unit=unit)
    if level == "kanwil":
        kanwil = get_object_or_404(Kanwil.objects.visible_to(request.user), code=code)
        return Scope(level=Level.KANWIL, kanwil=kanwil)
    raise Http404


@staff_required
@csp_update({"style-src-elem": ["'self'", "'unsafe-inline'"]})  # the page's @page and @font-face rules
def report_page(request, level: str, code: str, period_id: int):
    """The report in the browser, to print or save as PDF; scoped like the dashboards (404 outside)."""
    scope = _scope(request, level, code)
    if not scope_allowed(request.user, level=scope.level, kanwil=scope.kanwil, unit=scope.unit):
        raise Http404
    period = get_object_or_404(Period.objects.exclude(status=Period.Status.SCHEDULED), pk=period_id)
    fields = ("name", "nip", "title", "place")
    signatory = Signatory.from_options({key: request.GET.get(key, "")[:120] for key in fields})
    report = build_report(scope, period, signatory=signatory, today=timezone.localdate(),
                          restricted=not sees_rows(request.user))
    record_download(user=request.user, obj=period, filename=f"laporan-{scope.slug}-{period.pk}.html",
                    at=timezone.now())
    response = HttpResponse(report_render.report_html(report, period=period))
    response["Cache-Control"] = "no-store"
    return response
