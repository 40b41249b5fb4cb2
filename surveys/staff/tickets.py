"""Survey tickets of an access point: print a batch (A4 slips or thermal receipts) or one at a time."""
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import staff_required
from ..forms import TicketBatchForm
from ..models import TicketBatch
from ..pdf import font_uris, html_to_pdf, static_uri
from ..posters import PROMISE, qr_svg
from ..tickets import issue_tickets
from .access_points import _access_point

LAYOUTS = {  # page size and slips per page
    TicketBatch.Layout.A4: {"page": "A4", "css": "a4"},
    TicketBatch.Layout.THERMAL_58: {"page": "58mm 90mm", "css": "thermal thermal-58"},
    TicketBatch.Layout.THERMAL_80: {"page": "80mm 110mm", "css": "thermal thermal-80"},
}


def _slips(request, tickets) -> list[dict]:
    return [{"code": t.spaced_code, "url": t.public_url(request), "qr": qr_svg(t.public_url(request), scale=3),
             "service": t.service.name if t.service else "", "expires": t.expires_at} for t in tickets]


def _entry_url(request) -> str:
    from django.conf import settings

    base = (settings.PUBLIC_BASE_URL or "").rstrip("/")
    return (base + "/t/") if base else request.build_absolute_uri("/t/")


@staff_required
def ticket_list(request, code, pk):
    """The batches printed here with how many of their tickets were used; a form for a new batch."""
    point = _access_point(request, code, pk)
    form = TicketBatchForm(request.POST or None, unit=point.unit)
    if request.method == "POST" and form.is_valid():
        batch = issue_tickets(access_point=point, count=form.cleaned_data["count"], layout=form.cleaned_data["layout"],
                              service=form.cleaned_data["service"], acting_user=request.user)
        messages.success(request, _("%(n)d tiket dibuat. Unduh PDF-nya lalu cetak.") % {"n": batch.size})
        return redirect("ticket_list", code=code, pk=pk)
    now = timezone.now()
    batches = (TicketBatch.objects.filter(access_point=point).select_related("service")
               .annotate(n_used=Count("tickets", filter=Q(tickets__used=True)),
                         n_expired=Count("tickets", filter=Q(tickets__used=False, tickets__expires_at__lte=now))))
    return render(request, "surveys/tickets/list.html", {
        "unit": point.unit, "point": point, "form": form, "batches": batches[:50], "entry_url": _entry_url(request),
    }, status=400 if request.method == "POST" else 200)


@staff_required
def ticket_batch_pdf(request, code, pk, batch_pk):
    point = _access_point(request, code, pk)
    batch = get_object_or_404(TicketBatch.objects.filter(access_point=point), pk=batch_pk)
    layout = LAYOUTS.get(batch.layout, LAYOUTS[TicketBatch.Layout.A4])
    html = render_to_string("surveys/tickets/print.html", {
        "unit": point.unit, "slips": _slips(request, batch.tickets.select_related("service").order_by("pk")),
        "layout": layout, "entry_url": _entry_url(request), "promise": PROMISE,
        "stylesheet": static_uri("css/tickets.css"), "fonts": font_uris(),
    })
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="Tiket_{point.unit.code}_{batch.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def ticket_single(request, code, pk):
    """One ticket now, on a page a receipt printer prints from the browser; its button makes the next one."""
    point = _access_point(request, code, pk)
    service = point.unit.services.filter(active=True, pk=request.POST.get("service") or None).first()
    batch = issue_tickets(access_point=point, count=1, layout=TicketBatch.Layout.SINGLE, service=service,
                          acting_user=request.user)
    from django.templatetags.static import static

    return render(request, "surveys/tickets/single.html", {
        "unit": point.unit, "point": point, "slip": _slips(request, batch.tickets.all())[0],
        "entry_url": _entry_url(request), "promise": PROMISE, "service": service,
        "stylesheet": static("css/tickets.css"),
    })
