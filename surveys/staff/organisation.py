"""Pusat's organisation import: the template download and the upload that creates or updates Kanwil and UPTs."""
from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import staff_required
from ..models import Role
from ..org_import import OrganisationImportError, import_organisation, template_workbook

MAX_BYTES = 5 * 1024 * 1024


class OrganisationUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Berkas Excel (.xlsx) atau CSV"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Unggah berkas .xlsx atau .csv."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (paling besar 5 MB)."))
        return upload


@staff_required(Role.PUSAT)
def organisation_template(request):
    response = HttpResponse(template_workbook(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="templat-organisasi.xlsx"'
    return response


@staff_required(Role.PUSAT)
def organisation_import(request):
    form = OrganisationUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_organisation(acting_user=request.user, content=upload.read(), filename=upload.name)
        except OrganisationImportError as exc:
            errors = exc.errors
        else:
            messages.success(request, _(
                "Impor selesai: %(k)d Kanwil baru, %(c)d UPT baru, %(u)d UPT diperbarui, %(d)d UPT dinonaktifkan."
            ) % {"k": result.kanwil_created, "c": result.units_created, "u": result.units_updated,
                 "d": result.units_deactivated})
            return redirect("organisation_import")
    return render(request, "surveys/organisation_import.html", {"form": form, "errors": errors})
