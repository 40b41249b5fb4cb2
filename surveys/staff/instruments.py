"""Pusat pages for instruments: versions, editing a draft, publishing, JSON export and import."""
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import staff_required
from ..forms import INDICATOR_FIELDS, IndicatorFormSet, InstrumentUploadForm
from ..instrument_format import InstrumentFormatError, dump_document, export_version, load_document
from ..models import Instrument, InstrumentVersion, Role
from ..services import ServiceError, copy_as_draft, import_instrument, replace_indicators, set_version_status


def _version(code: str, number: int) -> InstrumentVersion:
    return get_object_or_404(
        InstrumentVersion.objects.select_related("instrument"), instrument__code=code, number=number
    )


@staff_required(Role.PUSAT)
def instrument_list(request):
    instruments = Instrument.objects.prefetch_related("versions")
    return render(request, "surveys/instrument_list.html",
                  {"instruments": instruments, "upload_form": InstrumentUploadForm()})


@staff_required(Role.PUSAT)
def version_detail(request, code, number):
    version = _version(code, number)
    return render(request, "surveys/version_detail.html", {
        "version": version,
        "indicators": version.indicators.order_by("position"),
        "periods": version.periods.all(),
    })


@staff_required(Role.PUSAT)
def version_edit(request, code, number):
    """Edit a draft's indicators. A published or frozen version is never edited: a new draft is made."""
    version = _version(code, number)
    if not version.editable:
        messages.info(request, _("Versi %(v)s tidak dapat diubah; ubah draf baru di bawah ini.") % {"v": version})
        return redirect("version_detail", code=code, number=number)
    initial = [{k: getattr(i, k) for k in INDICATOR_FIELDS} for i in version.indicators.order_by("position")]
    formset = IndicatorFormSet(request.POST or None, initial=initial, prefix="ind")
    if request.method == "POST" and formset.is_valid():
        try:
            replace_indicators(version=version, indicators=formset.indicators(), acting_user=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Indikator %(v)s disimpan.") % {"v": version})
            return redirect("version_detail", code=code, number=number)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/version_edit.html", {"version": version, "formset": formset}, status=status)


@staff_required(Role.PUSAT)
@require_POST
def version_new_draft(request, code, number):
    draft = copy_as_draft(version=_version(code, number), acting_user=request.user)
    messages.success(request, _("Draf %(v)s dibuat dari versi %(n)d.") % {"v": draft, "n": number})
    return redirect("version_edit", code=code, number=draft.number)


@staff_required(Role.PUSAT)
@require_POST
def version_status(request, code, number):
    version = _version(code, number)
    try:
        set_version_status(version=version, status=request.POST.get("status", ""), acting_user=request.user)
    except (ServiceError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, ServiceError) else _("Status tidak dikenal."))
        return redirect("version_detail", code=code, number=number)
    messages.success(request, _("Status %(v)s diubah.") % {"v": version})
    return redirect("version_detail", code=code, number=number)


@staff_required(Role.PUSAT)
def version_export(request, code, number):
    version = _version(code, number)
    response = HttpResponse(dump_document(export_version(version)), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code.lower()}-v{number}.json"'
    return response


@staff_required(Role.PUSAT)
@require_POST
def instrument_import(request):
    form = InstrumentUploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        try:
            doc = load_document(form.cleaned_data["file"].read())
            version = import_instrument(doc=doc, acting_user=request.user)
        except InstrumentFormatError as exc:
            problems = exc.problems
        else:
            messages.success(request, _("Instrumen %(v)s diimpor.") % {"v": version})
            return redirect("version_detail", code=version.instrument.code, number=version.number)
    return render(request, "surveys/instrument_list.html", {
        "instruments": Instrument.objects.prefetch_related("versions"),
        "upload_form": form,
        "problems": problems,
    }, status=400)
