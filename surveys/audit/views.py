"""The audit trail search page for Pusat: read-only, filtered by text, kind of record, action, person and date."""
from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from ..access import staff_required
from ..models import Role
from .display import ACTIONS, describe

PAGE_SIZE = 50


def _kind_choices():
    types = ContentType.objects.filter(pk__in=LogEntry.objects.values("content_type").distinct())
    choices = []
    for ct in types:
        model = ct.model_class()
        label = model._meta.verbose_name if model is not None else ct.model
        choices.append((str(ct.pk), str(label).capitalize()))
    return [("", _("Semua jenis")), *sorted(choices, key=lambda c: c[1])]


class AuditSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Cari"), required=False, max_length=100)
    jenis = forms.ChoiceField(label=gettext_lazy("Jenis data"), required=False)
    aksi = forms.TypedChoiceField(
        label=gettext_lazy("Aksi"), required=False, coerce=int, empty_value=None,
        choices=[("", gettext_lazy("Semua aksi")), *ACTIONS.items()],
    )
    pengguna = forms.CharField(label=gettext_lazy("Pengguna"), required=False, max_length=150)
    dari = forms.DateField(label=gettext_lazy("Dari tanggal"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
    sampai = forms.DateField(label=gettext_lazy("Sampai tanggal"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data):
        super().__init__(data)
        self.fields["jenis"].choices = _kind_choices()
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def clean(self):
        data = super().clean()
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."))
        return data


def search(entries, data: dict):
    """Log entries matching the search form's cleaned data, newest first."""
    if text := data.get("q"):
        entries = entries.filter(
            Q(object_repr__icontains=text) | Q(changes_text__icontains=text)
            | Q(changes__icontains=text) | Q(object_pk=text)
        )
    if data.get("jenis"):
        entries = entries.filter(content_type_id=int(data["jenis"]))
    if data.get("aksi") is not None:
        entries = entries.filter(action=data["aksi"])
    if who := data.get("pengguna"):
        entries = entries.filter(Q(actor__username__icontains=who) | Q(actor__first_name__icontains=who)
                                 | Q(actor__last_name__icontains=who))
    tz = timezone.get_current_timezone()
    if data.get("dari"):
        entries = entries.filter(timestamp__gte=datetime.combine(data["dari"], time(0), tzinfo=tz))
    if data.get("sampai"):
        entries = entries.filter(timestamp__lt=datetime.combine(data["sampai"] + timedelta(days=1), time(0), tzinfo=tz))
    return entries.order_by("-timestamp", "-pk")


@require_safe
@staff_required(Role.PUSAT)
def audit_log(request):
    """Who changed what and when; downloads and review decisions included. Nothing here can be edited."""
    form = AuditSearchForm(request.GET or None)
    entries = LogEntry.objects.select_related("actor", "content_type")
    status = 200
    if form.is_bound and not form.is_valid():
        entries, status = entries.none(), 400
    elif form.is_bound:
        entries = search(entries, form.cleaned_data)
    else:
        entries = entries.order_by("-timestamp", "-pk")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(request, "audit/log.html", {
        "form": form, "page": page, "rows": [describe(e) for e in page.object_list], "query": query.urlencode(),
    }, status=status)
