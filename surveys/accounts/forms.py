"""Forms of staff administration: the invitation and the move of an officer."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ..models import Kanwil, Role, Unit, sees_everything


class InviteForm(forms.Form):
    username = forms.RegexField(label=_("Nama pengguna"), max_length=150, regex=r"^[a-z0-9._-]+$",
                                error_messages={"invalid": _("Huruf kecil, angka, titik, garis bawah atau strip.")})
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("Nama depan"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nama belakang"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Peran"))
    kanwil = forms.ModelChoiceField(label=_("Kanwil"), queryset=Kanwil.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("UPT"), queryset=Unit.objects.none(), required=False)
    is_admin = forms.BooleanField(label=_("Admin akun (Kanwil)"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if sees_everything(actor):
            self.fields["role"].choices = [(Role.PUSAT, Role.PUSAT.label), (Role.KANWIL, Role.KANWIL.label)]
            self.fields["kanwil"].queryset = Kanwil.objects.all()
            del self.fields["unit"]
        else:
            self.fields["role"].choices = [(Role.UPT, Role.UPT.label)]
            self.fields["unit"].queryset = Unit.objects.visible_to(actor).filter(active=True)
            del self.fields["kanwil"], self.fields["is_admin"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Nama pengguna ini sudah dipakai."))
        return username

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.KANWIL and not data.get("kanwil"):
            self.add_error("kanwil", _("Pilih Kanwil."))
        if role == Role.UPT and not data.get("unit"):
            self.add_error("unit", _("Pilih UPT."))
        return data


class MoveForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("UPT baru"), queryset=Unit.objects.none())

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(actor).filter(active=True)
