"""A unit's access points (counter QR, kiosk tablet, link) and their printable posters."""
from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import staff_required, unit_in_scope
from ..forms import AccessPointForm
from ..kiosks import ENROLMENT_CODE_MINUTES, revoke_kiosk, start_kiosk_enrolment
from ..models import AccessPoint
from ..posters import A4, ALL_SERVICES, CALL_TO_ACTION, CARD, NO_SCAN, PROMISE, TITLE, PosterText, poster_png, qr_svg
from ..services import rotate_token, set_access_point_enabled

SIZES = {"a4": A4, "kartu": CARD}


def _access_point(request, code, pk) -> AccessPoint:
    unit = unit_in_scope(request.user, code)
    return get_object_or_404(AccessPoint.objects.select_related("unit", "default_service"), unit=unit, pk=pk)


@staff_required
def access_point_list(request, code):
    unit = unit_in_scope(request.user, code)
    form = AccessPointForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        point = form.save()
        messages.success(request, _("Titik akses %(name)s dibuat. Cetak posternya di bawah.") % {"name": point.name})
        return redirect("access_point_detail", code=unit.code, pk=point.pk)
    points = AccessPoint.objects.filter(unit=unit).select_related("default_service")
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/access_point_list.html",
                  {"unit": unit, "points": points, "form": form}, status=status)


@staff_required
def access_point_detail(request, code, pk):
    point = _access_point(request, code, pk)
    form = AccessPointForm(request.POST or None, instance=point, unit=point.unit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Titik akses %(name)s disimpan.") % {"name": point.name})
        return redirect("access_point_detail", code=code, pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/access_point_detail.html", {
        "unit": point.unit, "point": point, "form": form, "url": point.public_url(request),
        "qr": qr_svg(point.public_url(request)),
        "kiosk_devices": (point.kiosk_devices.filter(enrolled_at__isnull=False)
                           .annotate(refused=Count("refusals")) if point.kiosk else []),
        "enrol_url": request.build_absolute_uri(f"{point.public_path}kios/daftar/"),
    }, status=status)


@staff_required
@require_POST
def access_point_kiosk_code(request, code, pk):
    """A one-time code to enrol a tablet for offline answers (shown once, in the page's message)."""
    point = _access_point(request, code, pk)
    if not point.kiosk:
        return redirect("access_point_detail", code=code, pk=pk)
    _device, enrolment_code = start_kiosk_enrolment(access_point=point, acting_user=request.user)
    messages.success(request, _("Kode pendaftaran tablet: %(code)s. Berlaku %(minutes)d menit dan hanya sekali. "
                                "Di tablet, buka %(url)s lalu masukkan kode ini.") % {
        "code": enrolment_code, "minutes": ENROLMENT_CODE_MINUTES,
        "url": request.build_absolute_uri(f"{point.public_path}kios/daftar/")})
    return redirect("access_point_detail", code=code, pk=pk)


@staff_required
@require_POST
def access_point_kiosk_revoke(request, code, pk, device):
    point = _access_point(request, code, pk)
    tablet = get_object_or_404(point.kiosk_devices, pk=device)
    revoke_kiosk(device=tablet, acting_user=request.user)
    messages.warning(request, _("Tablet #%(n)d dicabut: jawaban yang masih tersimpan di tablet itu akan ditolak.")
                     % {"n": tablet.pk})
    return redirect("access_point_detail", code=code, pk=pk)


@staff_required
@require_POST
def access_point_toggle(request, code, pk):
    point = _access_point(request, code, pk)
    set_access_point_enabled(access_point=point, enabled=not point.enabled, acting_user=request.user)
    if point.enabled:
        messages.success(request, _("Titik akses %(name)s diaktifkan.") % {"name": point.name})
    else:
        messages.warning(request, _("Titik akses %(name)s dinonaktifkan: tautannya kini menampilkan "
                                    "halaman pemberitahuan, bukan formulir.") % {"name": point.name})
    return redirect("access_point_detail", code=code, pk=pk)


@staff_required
@require_POST
def access_point_rotate(request, code, pk):
    point = _access_point(request, code, pk)
    rotate_token(access_point=point, acting_user=request.user)
    messages.warning(request, _("Tautan baru dibuat. Poster lama tidak berlaku lagi: cetak ulang poster."))
    return redirect("access_point_detail", code=code, pk=pk)


def _poster_text(request, point: AccessPoint) -> PosterText:
    service = point.default_service.name if point.default_service else ALL_SERVICES
    return PosterText(unit=point.unit.name, service=service, url=point.public_url(request))


@staff_required
def access_point_poster(request, code, pk):
    """Printable HTML poster (A4, or a counter card with ?ukuran=kartu) with the QR code inline as SVG."""
    point = _access_point(request, code, pk)
    size = request.GET.get("ukuran", "a4")
    if size not in SIZES:
        size = "a4"
    text = _poster_text(request, point)
    return render(request, "posters/poster.html", {
        "point": point, "text": text, "size": size, "qr": qr_svg(text.url),
        "lines": {"title": TITLE, "cta": CALL_TO_ACTION, "promise": PROMISE, "no_scan": NO_SCAN},
    })


@staff_required
def access_point_poster_png(request, code, pk):
    point = _access_point(request, code, pk)
    size = request.GET.get("ukuran", "a4")
    png = poster_png(_poster_text(request, point), size=SIZES.get(size, A4))
    response = HttpResponse(png, content_type="image/png")
    name = f"poster-{point.unit.code}-{point.pk}-{'kartu' if size == 'kartu' else 'a4'}.png"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
