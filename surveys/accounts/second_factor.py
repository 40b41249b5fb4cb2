"""The second factor: TOTP (an authenticator app) with ten one-time recovery codes, through django-otp.

Kanwil and Pusat staff and superusers need it on every staff page; UPT officers when OTP_REQUIRED_FOR_UPT is on.
A signed-in user without a verified second factor is sent to /akun/dua-langkah/: the first time to set up the
app (QR code), afterwards to enter a code from the app or a recovery code.
"""
import base64
import secrets

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import Role, membership_of

GUARDED_PREFIXES = ("/staf/", "/admin/", "/akun/sandi/")
OPEN_PATHS = ("/akun/sandi/lupa/", "/akun/sandi/atur/")
RECOVERY_CODES = 10


def needs_second_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    m = membership_of(user)
    if m is None:
        return False
    return m.role in (Role.PUSAT, Role.KANWIL) or (m.role == Role.UPT and settings.OTP_REQUIRED_FOR_UPT)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if (path.startswith(GUARDED_PREFIXES) and not path.startswith(OPEN_PATHS)
                and needs_second_factor(request.user) and not request.user.is_verified()):
            return redirect(f"{reverse('second_factor')}?next={path}")
        return self.get_response(request)


def make_recovery_codes(user) -> list[str]:
    """Replaces the user's recovery codes with ten new ones (each works once)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODES)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
def second_factor(request):
    user = request.user
    nxt = _next(request)
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists() or StaticDevice.objects.filter(
        user=user, token_set__isnull=False).exists()
    token = request.POST.get("token", "").strip().replace(" ", "")
    error = ""
    if has_device:
        if request.method == "POST":
            device = match_token(user, token) if token else None
            if device is not None:
                otp_login(request, device)
                return redirect(nxt)
            error = _("Kode salah atau sudah dipakai.")
        return render(request, "accounts/second_factor_verify.html", {"next": nxt, "error": error})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=False)
    if request.method == "POST":
        if token and device.verify_token(token):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": make_recovery_codes(user),
                                                                    "next": nxt})
        error = _("Kode salah. Periksa jam ponsel Anda dan coba lagi.")
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(request, "accounts/second_factor_setup.html", {
        "qr": qr, "secret": base64.b32encode(device.bin_key).decode(), "next": nxt, "error": error,
    })
