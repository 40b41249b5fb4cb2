"""Landing page, staff home, scoped organisation pages and error pages."""
from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .access import staff_required, unit_in_scope
from .models import Kanwil, Period, Role, Target, Unit, membership_of, sees_everything
from .resilience import current_exception_is_dropped_connection, unavailable_page


def landing(request):
    """Public front page: what the survey is, and the way in for staff."""
    if request.user.is_authenticated and (membership_of(request.user) or request.user.is_superuser):
        return redirect("home")
    return render(request, "landing.html", {"open_period": Period.objects.open().first()})


def unit_panels(request, unit) -> str:
    """HTML panels that later apps add to a unit's pages (settings.UNIT_PANELS_HOOK), e.g. the checklist."""
    return import_string(settings.UNIT_PANELS_HOOK)(unit=unit, request=request) if settings.UNIT_PANELS_HOOK else ""


@staff_required
def home(request):
    """Who you are and what you can see."""
    user = request.user
    units = Unit.objects.visible_to(user).select_related("kanwil")
    kanwils = Kanwil.objects.visible_to(user)
    membership = membership_of(user)
    if sees_everything(user):
        scope = _("Seluruh Indonesia: semua Kanwil dan UPT")
    elif membership.role == Role.KANWIL:
        scope = _("Wilayah %(kanwil)s: %(count)d UPT") % {"kanwil": membership.kanwil, "count": units.count()}
    else:
        scope = _("UPT %(unit)s") % {"unit": membership.unit}
    return render(
        request,
        "surveys/home.html",
        {
            "scope": scope,
            "units": units,
            "kanwils": kanwils,
            "open_period": Period.objects.open().first(),
            "panels": unit_panels(request, membership.unit) if membership and membership.role == Role.UPT else "",
        },
    )


@staff_required
def unit_detail(request, code):
    """The unit's hub: open period, target progress, service types, access points and what to do next."""
    unit = unit_in_scope(request.user, code)
    period = Period.objects.open().first()
    services = unit.services.filter(active=True)
    targets = Target.objects.filter(period=period, service__in=services) if period else Target.objects.none()
    return render(request, "surveys/unit_detail.html", {
        "unit": unit,
        "services": services,
        "open_period": period,
        "targets": targets.select_related("service"),
        "target_total": sum(t.effective_target for t in targets),
        "missing_targets": services.count() - targets.count() if period else 0,
        "access_points": unit.access_points.select_related("default_service"),
        "panels": unit_panels(request, unit),
    })


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def server_error(request):
    if current_exception_is_dropped_connection():  # raised before the view ran, e.g. by a session read
        return unavailable_page(request)
    return render(request, "errors/500.html", status=500)
