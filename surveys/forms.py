"""Staff forms: periods, populations and targets, service types, access points, extra items, instruments."""
import re

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import AccessPoint, ExtraItem, InstrumentVersion, Period, UnitService

MAX_UPLOAD_BYTES = 512 * 1024


class PeriodForm(forms.ModelForm):
    instrument_versions = forms.ModelMultipleChoiceField(
        label=_("Versi instrumen"),
        queryset=InstrumentVersion.objects.filter(status=InstrumentVersion.Status.PUBLISHED)
        .select_related("instrument"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Period
        fields = ["name", "kind", "starts_on", "ends_on", "instrument_versions"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("Tanggal tutup tidak boleh sebelum tanggal buka."))
        versions = data.get("instrument_versions") or []
        codes = [v.instrument.code for v in versions]
        if len(codes) != len(set(codes)):
            self.add_error("instrument_versions", _("Pilih satu versi untuk setiap instrumen."))
        return data


class PeriodReopenForm(forms.Form):
    reason = forms.CharField(label=_("Alasan membuka kembali"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class PopulationForm(forms.Form):
    """One row of the targets page: a service's population."""

    population = forms.IntegerField(label=_("Populasi"), min_value=0, max_value=10_000_000, required=False)

    def __init__(self, *args, service: UnitService, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service, self.target = service, target
        self.fields["population"].label = str(service)


class UnitTargetForm(forms.Form):
    """A Kanwil's (or Pusat's) own target for the whole unit; empty returns to the methodology's figure."""

    adjusted_target = forms.IntegerField(label=_("Target disesuaikan Kanwil"), min_value=1, required=False)

    def __init__(self, *args, population: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.population = population

    def clean_adjusted_target(self):
        adjusted = self.cleaned_data.get("adjusted_target")
        if adjusted is not None and not self.population:
            raise forms.ValidationError(_("Isi populasi terlebih dahulu."))
        if adjusted is not None and adjusted > self.population:
            raise forms.ValidationError(_("Tidak boleh melebihi populasi."))
        return adjusted


class UnitServiceForm(forms.Form):
    name = forms.CharField(label=_("Nama layanan"), max_length=150)
    name_en = forms.CharField(label=_("Nama layanan (Inggris)"), max_length=150, required=False)


class AccessPointForm(forms.ModelForm):
    class Meta:
        model = AccessPoint
        fields = ["name", "kind", "default_service", "kiosk"]
        help_texts = {
            "default_service": _("Layanan yang terpilih lebih dahulu pada formulir; responden dapat mengubahnya."),
            "kiosk": _("Untuk tablet di ruang tunggu: formulir kembali ke awal setelah setiap pengisian."),
        }

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["default_service"].queryset = UnitService.objects.filter(unit=unit, active=True)
        self.fields["default_service"].empty_label = _("(responden memilih sendiri)")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = AccessPoint.objects.filter(unit=self.unit, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Titik akses dengan nama ini sudah ada di UPT ini."))
        return name

    def save(self, commit=True):
        self.instance.unit = self.unit
        return super().save(commit)


# A short-text question that asks the respondent to identify themselves (docs/privacy.md).
IDENTIFYING_PROMPT = re.compile(
    r"\b(nama|telepon|telp|no\.?\s*hp|nomor\s*hp|whats\s*app|wa|surel|e-?mail|alamat|nik|ktp|paspor|"
    r"name|phone|address|passport)\b", re.IGNORECASE)


class ExtraItemForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Pilihan jawaban"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Satu pilihan per baris. Terjemahan Inggris boleh ditulis setelah tanda |, "
                    "misalnya: Ya | Yes"),
    )

    class Meta:
        model = ExtraItem
        fields = ["kind", "prompt", "prompt_en", "required", "position"]

    def clean(self):
        data = super().clean()
        lines = [line.strip() for line in (data.get("choices_text") or "").splitlines() if line.strip()]
        choices = []
        for line in lines:
            label, _sep, label_en = (part.strip() for part in line.partition("|"))
            value = slugify(label)[:40] or str(len(choices) + 1)
            if value in {c["value"] for c in choices}:
                value = f"{value}-{len(choices) + 1}"
            choices.append({"value": value, "label": label, "label_en": label_en})
        if data.get("kind") == ExtraItem.Kind.CHOICE and len(choices) < 2:
            self.add_error("choices_text", _("Pertanyaan pilihan memerlukan paling sedikit dua pilihan."))
        if data.get("kind") == ExtraItem.Kind.TEXT:
            choices = []
            data["required"] = False  # a short text is always optional
            prompt = f"{data.get('prompt') or ''} {data.get('prompt_en') or ''}"
            if IDENTIFYING_PROMPT.search(prompt):
                self.add_error("prompt", _("Survei ini anonim: jangan menanyakan nama, nomor telepon, surel, "
                                           "alamat atau nomor identitas responden."))
        self.instance.choices = choices
        return data


INDICATOR_FIELDS = ("code", "statement", "statement_en", "help_text", "help_text_en")


class BaseIndicatorFormSet(forms.BaseFormSet):
    def _kept_forms(self):
        for form in self.forms:
            blank_extra = not form.initial and not form.has_changed()
            if blank_extra or (self.can_delete and self._should_delete_form(form)):
                continue
            yield form

    def clean(self):
        if any(self.errors):
            return
        codes, kept = set(), 0
        for form in self._kept_forms():
            code = form.cleaned_data.get("code")
            if code in codes:
                raise forms.ValidationError(_("Kode %(code)s dipakai dua kali.") % {"code": code})
            codes.add(code)
            kept += 1
        if kept == 0:
            raise forms.ValidationError(_("Sebuah versi memerlukan paling sedikit satu indikator."))

    def indicators(self) -> list[dict]:
        rows = []
        for form in self._kept_forms():
            rows.append({k: form.cleaned_data.get(k, "") for k in INDICATOR_FIELDS})
        return rows


class _IndicatorRow(forms.Form):
    code = forms.CharField(label=_("Kode"), max_length=20, widget=forms.TextInput(attrs={"class": "form-control"}))
    statement = forms.CharField(label=_("Pernyataan"),
                                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    statement_en = forms.CharField(label=_("Pernyataan (Inggris)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    help_text = forms.CharField(label=_("Keterangan pernyataan"), required=False,
                                widget=forms.TextInput(attrs={"class": "form-control"}))
    help_text_en = forms.CharField(label=_("Keterangan pernyataan (Inggris)"), required=False,
                                   widget=forms.TextInput(attrs={"class": "form-control"}))


IndicatorFormSet = forms.formset_factory(
    _IndicatorRow, formset=BaseIndicatorFormSet, extra=2, can_delete=True, max_num=20, validate_max=True
)


class InstrumentUploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas JSON instrumen"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (paling besar 512 KB)."))
        return upload


class TicketBatchForm(forms.Form):
    """How many survey tickets to print, for which service, in which layout."""

    count = forms.IntegerField(label=_("Jumlah tiket"), min_value=1, max_value=500, initial=50)
    service = forms.ModelChoiceField(label=_("Layanan"), queryset=UnitService.objects.none(), required=False,
                                     empty_label=_("(responden memilih sendiri)"),
                                     help_text=_("Layanan yang sudah terpilih pada formulir tiket ini."))
    layout = forms.ChoiceField(label=_("Tata letak"), choices=[])

    def __init__(self, *args, unit, **kwargs):
        from .models import TicketBatch

        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = UnitService.objects.filter(unit=unit, active=True)
        self.fields["layout"].choices = [c for c in TicketBatch.Layout.choices if c[0] != TicketBatch.Layout.SINGLE]


class ServiceCountForm(forms.Form):
    """One row of people served: a day (or a range, the same count each day), a service, a count."""

    first_day = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("Sampai tanggal"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Kosongkan untuk satu hari; jumlah berlaku untuk setiap hari."))
    service = forms.ModelChoiceField(label=_("Layanan"), queryset=UnitService.objects.none())
    served = forms.IntegerField(label=_("Jumlah orang dilayani"), min_value=0, max_value=100_000)

    def __init__(self, *args, unit, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = UnitService.objects.filter(unit=unit, active=True)
        self.today = today

    def clean(self):
        from .service_counts import check_range

        data = super().clean()
        if data.get("first_day"):
            data["last_day"], problems = check_range(data["first_day"], data.get("last_day"), today=self.today)
            for problem in problems:
                self.add_error("last_day" if data.get("last_day") != data["first_day"] else "first_day", problem)
        return data


class ServiceCountUploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas Excel (.xlsx) atau CSV"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (paling besar 512 KB)."))
        return upload


class ServiceHoursForm(forms.Form):
    opens_at = forms.TimeField(label=_("Jam layanan mulai"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("Jam layanan selesai"), widget=forms.TimeInput(attrs={"type": "time"}))

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("Jam selesai harus setelah jam mulai."))
        return data
