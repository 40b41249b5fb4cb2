"""An enrolled kiosk tablet: enrolment with a one-time code, its service worker, and the endpoint its
offline queue sends completed answers to (docs/kiosk.md)."""
import json
import uuid
from datetime import UTC, datetime

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from surveys.kiosks import enrol_kiosk, kiosk_for, record_refusal, record_sync

from .delayed import store_delayed
from .questionnaire import enabled_access_point

COOKIE_NAME = "spak_kiosk"
COOKIE_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days; staff re-enrol a tablet after that


def _kiosk_point(token):
    access_point = enabled_access_point(token)
    if access_point is None or not access_point.kiosk:
        raise Http404
    return access_point


def tablet(request, access_point):
    """The enrolled tablet (revoked or not) making this request, or None."""
    return kiosk_for(access_point=access_point, credential=request.COOKIES.get(COOKIE_NAME, ""))


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_enrol(request, token):
    access_point = _kiosk_point(token)
    error = ""
    if request.method == "POST":
        enrolled = enrol_kiosk(access_point=access_point, code=request.POST.get("kode", ""))
        if enrolled is not None:
            _device, credential = enrolled
            response = redirect("public_form", token=access_point.token)
            response.set_cookie(COOKIE_NAME, credential, max_age=COOKIE_AGE, path=access_point.public_path,
                                httponly=True, samesite="Strict", secure=request.is_secure())
            return response
        error = _("Kode ini salah, sudah dipakai atau sudah kedaluwarsa. Minta kode baru di halaman titik akses.")
    return render(request, "responses/kiosk_enrol.html", {"access_point": access_point, "error": error},
                  status=400 if error else 200)


@require_GET
def kiosk_worker(request, token):
    """The service worker, served under the form's address so that its scope is the form's pages."""
    access_point = _kiosk_point(token)
    response = render(request, "responses/kiosk_sw.js", {"access_point": access_point},
                      content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = access_point.public_path
    return response


def _instant(value) -> datetime:
    """Epoch milliseconds from the tablet's clock."""
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


@csrf_exempt  # JSON from the tablet's own page; the credential cookie is SameSite=Strict
@require_POST
def kiosk_sync(request, token):
    access_point = _kiosk_point(token)
    device = tablet(request, access_point)
    if device is None:
        return JsonResponse({"status": "unknown", "message": _(
            "Tablet ini belum terdaftar di titik akses ini. Minta petugas unit mendaftarkannya.")}, status=403)
    try:
        body = json.loads(request.body)
        key, opened, completed = uuid.UUID(str(body["key"])), _instant(body["opened"]), _instant(body["completed"])
        fields = {str(name): str(value) for name, value in dict(body["fields"]).items()}
    except (ValueError, KeyError, TypeError, OverflowError):
        return JsonResponse({"status": "invalid", "message": _("Kiriman tablet tidak dapat dibaca.")}, status=400)
    now = timezone.now()
    outcome = store_delayed(access_point=access_point, device=device, key=key, opened=opened,
                            completed=completed, fields=fields, now=now)
    if outcome.status == "revoked":
        record_refusal(device=device, key=key, now=now)
    else:
        record_sync(device=device, now=now)
    payload = {"status": outcome.status, "message": outcome.message}
    if outcome.errors:
        payload["errors"] = outcome.errors
    return JsonResponse(payload, status=outcome.http_status)


def offline_context(access_point, *, revoked: bool = False) -> dict:
    """What the form and thank-you pages of an enrolled tablet give its offline script."""
    token = access_point.token
    return {"sync_url": reverse("kiosk_sync", kwargs={"token": token}),
            "worker_url": reverse("kiosk_worker", kwargs={"token": token}),
            "form_url": reverse("public_form", kwargs={"token": token}),
            "thanks_url": reverse("public_form_thanks", kwargs={"token": token}),
            "revoked": revoked}
