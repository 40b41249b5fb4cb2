"""Download centre: request an export, watch its progress, download the file (all within scope)."""
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reporting.models import ExportJob
from surveys.access import staff_required
from surveys.models import Period

from . import services
from .forms import ExportRequestForm


@staff_required
@require_http_methods(["GET", "POST"])
def export_centre(request):
    """Lists the user's export jobs (refreshing itself while one is pending) and takes new requests."""
    status = 200
    if request.method == "POST":
        form = ExportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            level, kanwil, unit = form.cleaned_data["scope"]
            try:
                job = services.request_export(
                    user=request.user, period=form.cleaned_data["period"], kind=form.cleaned_data["kind"],
                    level=level, kanwil=kanwil, unit=unit, include_raw=form.cleaned_data.get("include_raw", False),
                    include_text=form.cleaned_data.get("include_text", False),
                    text_reason=form.cleaned_data.get("text_reason", ""), language=(get_language() or "id")[:2],
                    options=form.options(),
                )
            except services.TooManyPendingExports as exc:
                form.add_error(None, str(exc))
                status = 429
            except services.ExportError as exc:
                form.add_error(None, str(exc))
                status = 403
            else:
                if job.status == ExportJob.Status.WAITING:
                    messages.warning(request, _("Permintaan ekspor tercatat, tetapi antrean tugas sedang tidak "
                                                "terjangkau. Penyusunan berkas mulai otomatis begitu antrean "
                                                "kembali; Anda tidak perlu meminta lagi."))
                else:
                    messages.success(request, _("Permintaan ekspor diterima. Berkas disusun di latar belakang."))
                return redirect("export_centre")
        else:
            status = 400
    else:
        form = ExportRequestForm(user=request.user, initial={"period": Period.objects.current()})
    jobs = list(services.jobs_of(request.user)[:50])
    return render(
        request,
        "reporting/exports/centre.html",
        {"form": form, "jobs": jobs, "refresh": any(job.status in services.PENDING for job in jobs)},
        status=status,
    )


@staff_required
def export_download(request, pk: int):
    """The job's file as an attachment; 404 for anyone's job but one's own, and for expired files."""
    job = get_object_or_404(services.jobs_of(request.user), pk=pk)
    handle = services.open_download(job, request.user)
    return FileResponse(handle, as_attachment=True, filename=job.filename,
                        content_type=services.content_type(job))
