"""The export request form; its scope choices are only those the user may export."""
from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.models import ExportJob, Level
from responses.disclosure import sees_rows
from surveys.models import Kanwil, Period, Unit, sees_everything


def scope_choices(user) -> list:
    choices = []
    if sees_everything(user):
        choices.append((Level.NATION.value, _("Nasional (seluruh Kanwil)")))
    kanwils = [(f"kanwil:{k.code}", k.name) for k in Kanwil.objects.visible_to(user).order_by("name")]
    if kanwils:
        choices.append((_("Kanwil"), kanwils))
    units = [(f"unit:{u.code}", u.name) for u in Unit.objects.visible_to(user).order_by("name")]
    if units:
        choices.append((_("UPT"), units))
    return choices


class ExportRequestForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Periode"), queryset=Period.objects.exclude(status=Period.Status.SCHEDULED), empty_label=None
    )
    scope = forms.ChoiceField(
        label=_("Cakupan"), error_messages={"invalid_choice": _("Cakupan ini di luar wewenang Anda.")}
    )
    kind = forms.ChoiceField(label=_("Jenis berkas"), choices=ExportJob.Kind.choices)
    include_raw = forms.BooleanField(
        label=_("Sertakan lembar data mentah anonim (untuk rekap)"), required=False
    )
    include_text = forms.BooleanField(
        label=_("Sertakan teks bebas responden (saran, jawaban teks) di data mentah: tercatat di jejak audit"),
        required=False,
    )
    text_reason = forms.CharField(label=_("Alasan menyertakan teks bebas"), max_length=300, required=False)
    signatory_name = forms.CharField(label=_("Nama penandatangan (kepala)"), max_length=120, required=False)
    signatory_nip = forms.RegexField(
        label=_("NIP penandatangan"), regex=r"^[0-9 ]{0,21}$", max_length=21, required=False,
        error_messages={"invalid": _("NIP hanya berisi angka (18 digit).")},
    )
    signatory_title = forms.CharField(label=_("Jabatan penandatangan"), max_length=120, required=False)
    signatory_place = forms.CharField(label=_("Tempat penandatanganan"), max_length=80, required=False)

    REPORT_KINDS = (ExportJob.Kind.REPORT, ExportJob.Kind.POSTER, ExportJob.Kind.PACK)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["scope"].choices = scope_choices(user)
        if not sees_rows(user):  # UPT officers: aggregates only (responses.disclosure)
            kinds = (ExportJob.Kind.RECAP, *self.REPORT_KINDS)
            self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
            for name in ("include_raw", "include_text", "text_reason"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("include_text") and not (data.get("text_reason") or "").strip():
            self.add_error("text_reason", _("Tuliskan alasan menyertakan teks bebas responden."))
        scope = data.get("scope")
        if data.get("kind") in self.REPORT_KINDS and scope and scope[0] == Level.NATION:
            self.add_error("scope", _("Laporan resmi, poster dan paket bukti disusun per UPT atau per Kanwil."))
        return data

    def clean_scope(self) -> tuple[str, Kanwil | None, Unit | None]:
        value = self.cleaned_data["scope"]
        if value == Level.NATION:
            return Level.NATION, None, None
        level, _sep, code = value.partition(":")
        if level == Level.KANWIL:
            kanwil = Kanwil.objects.visible_to(self.user).filter(code=code).first()
            if kanwil:
                return Level.KANWIL, kanwil, None
        elif level == Level.UNIT:
            unit = Unit.objects.visible_to(self.user).filter(code=code).first()
            if unit:
                return Level.UNIT, None, unit
        raise forms.ValidationError(_("Cakupan ini di luar wewenang Anda."))

    def options(self) -> dict:
        """The signatory of a report, kept on the job (nothing else is stored there)."""
        if self.cleaned_data.get("kind") not in self.REPORT_KINDS:
            return {}
        keys = ("name", "nip", "title", "place")
        return {key: self.cleaned_data.get(f"signatory_{key}", "").strip() for key in keys}
