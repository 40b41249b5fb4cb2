"""Forms for action plans, evidence, comments, monitoring filters and targets."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import Instrument, Kanwil, Period, Unit, localized

from .evidence import check_upload
from .models import ActionPlan, PlanComment
from .selectors import STATUS_LABELS, unit_suggestions


class SuggestionChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.created_at:%d-%m-%Y} · {obj.suggestion}"  # the date only (responses.disclosure)


class EvidenceField(forms.FileField):
    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data:
            check_upload(data)
        return data


class ActionPlanForm(forms.ModelForm):
    """One plan; `indicator` is "<version id>:<indicator code>" among the period's instruments."""

    indicator = forms.ChoiceField(label=_("Indikator"))
    suggestions = SuggestionChoices(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label=_("Saran responden yang dijawab")
    )
    evidence = EvidenceField(
        label=_("Bukti (PDF, JPG atau PNG)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    evidence_description = forms.CharField(label=_("Keterangan bukti"), max_length=200, required=False)

    class Meta:
        model = ActionPlan
        fields = ["problem", "cause", "action", "person_in_charge", "deadline", "status", "is_public"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "action": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "action": _("Jika ditampilkan di halaman publik, teks rencana ini dapat dibaca masyarakat."),
            "person_in_charge": _("Nama dan jabatan, mis. Kepala Subsi Registrasi."),
        }

    def __init__(self, *args, unit: Unit, period: Period, versions, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.versions = {v.pk: v for v in versions}
        self.fields["indicator"].choices = [
            (f"{v.pk}:{i.code}", f"{v.instrument.code} · {i.code} — {localized(i, 'statement')}")
            for v in versions
            for i in v.indicators.all()
        ]
        # Plans are written by the unit: only the suggestions released to it.
        self.fields["suggestions"].queryset = unit_suggestions(unit, period, batched=True)
        if editing:
            del self.fields["indicator"], self.fields["evidence"], self.fields["evidence_description"]
            self.fields["suggestions"].initial = list(self.instance.suggestions.values_list("pk", flat=True))

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < self.period.starts_on:
            raise forms.ValidationError(_("Tenggat tidak boleh sebelum awal periode %(period)s."),
                                        params={"period": self.period.name})
        return deadline

    def clean_indicator(self):
        version_pk, _sep, code = self.cleaned_data["indicator"].partition(":")
        return self.versions[int(version_pk)], code


class EvidenceForm(forms.Form):
    file = EvidenceField(label=_("Berkas bukti (PDF, JPG atau PNG)"),
                         widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    description = forms.CharField(label=_("Keterangan"), max_length=200, required=False)


class CommentForm(forms.ModelForm):
    class Meta:
        model = PlanComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 2})}


class MonitoringFilterForm(forms.Form):
    period = forms.ModelChoiceField(queryset=Period.objects.none(), required=False, label=_("Periode"),
                                    empty_label=_("Semua periode"))
    kanwil = forms.ModelChoiceField(queryset=Kanwil.objects.none(), required=False, label=_("Kanwil"),
                                    empty_label=_("Semua Kanwil"))
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False, label=_("UPT"),
                                  empty_label=_("Semua UPT"))
    instrument = forms.ModelChoiceField(queryset=Instrument.objects.all(), required=False, label=_("Instrumen"),
                                        empty_label=_("Semua instrumen"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    follow_up = forms.ChoiceField(required=False, label=_("Tindak lanjut"), choices=[
        ("", _("Semua UPT")), ("none", _("Belum ada tindak lanjut")),
    ])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.exclude(status=Period.Status.SCHEDULED)
        self.fields["kanwil"].queryset = Kanwil.objects.visible_to(user)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("name")
        self.fields["status"].choices = [("", _("Semua status")), *STATUS_LABELS.items()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class TargetForm(forms.Form):
    instrument = forms.ModelChoiceField(queryset=Instrument.objects.all(), label=_("Instrumen"))
    period = forms.ModelChoiceField(queryset=Period.objects.all(), required=False, label=_("Periode"),
                                    empty_label=_("Semua periode (bawaan)"))
    target_nrr = forms.DecimalField(label=_("Target NRR (indeks pada skala instrumen)"), max_digits=5,
                                    decimal_places=2, min_value=Decimal("0.01"))
