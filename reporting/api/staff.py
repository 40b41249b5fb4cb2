"""Pusat's page of API tokens: issue one (its secret shown once), see when each was last used, revoke."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from surveys.access import staff_required
from surveys.models import Kanwil, Role, Unit, sees_everything

from .models import ApiToken
from .tokens import create_token, revoke_token


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama sistem"), max_length=120)
    role = forms.ChoiceField(label=gettext_lazy("Cakupan"), choices=Role.choices)
    kanwil = forms.ModelChoiceField(label=gettext_lazy("Kanwil"), queryset=Kanwil.objects.all(), required=False)
    unit = forms.ModelChoiceField(label=gettext_lazy("UPT"), queryset=Unit.objects.active(), required=False)

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.KANWIL and not data.get("kanwil"):
            self.add_error("kanwil", _("Pilih Kanwil untuk token berlingkup Kanwil."))
        if data.get("role") == Role.UPT and not data.get("unit"):
            self.add_error("unit", _("Pilih UPT untuk token berlingkup UPT."))
        return data


def _pusat_only(user):
    if not sees_everything(user):
        raise PermissionDenied


@staff_required
def token_list(request):
    _pusat_only(request.user)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, secret = create_token(name=data["name"], role=data["role"], kanwil=data["kanwil"],
                                     unit=data["unit"], acting_user=request.user)
        messages.success(request, _("Token %(name)s dibuat. Salin sekarang: token ini tidak ditampilkan lagi.")
                         % {"name": token.name})
        form = TokenForm()
    tokens = ApiToken.objects.select_related("kanwil", "unit", "created_by")
    status = 400 if request.method == "POST" and secret is None else 200
    return render(request, "reporting/api_tokens.html", {"tokens": tokens, "form": form, "secret": secret},
                  status=status)


@staff_required
@require_POST
def token_revoke(request, pk):
    _pusat_only(request.user)
    token = get_object_or_404(ApiToken, pk=pk)
    revoke_token(token=token, acting_user=request.user)
    messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
    return redirect("api_tokens")
