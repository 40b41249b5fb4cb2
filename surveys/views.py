"""Landing page, staff home, scoped organisation pages and error pages."""
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .access import kanwil_in_scope, staff_required, unit_in_scope
from .models import Kanwil, Period, Role, Unit, membership_of, sees_everything


def landing(request):
    """Public front page: what the survey is, and the way in for staff."""
    if request.user.is_authenticated and (membership_of(request.user) or request.user.is_superuser):
        return redirect("home")
    return render(request, "landing.html", {"open_period": Period.objects.open().first()})


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
        },
    )


@staff_required
def kanwil_detail(request, code):
    kanwil = kanwil_in_scope(request.user, code)
    units = Unit.objects.visible_to(request.user).filter(kanwil=kanwil)
    return render(request, "surveys/kanwil_detail.html", {"kanwil": kanwil, "units": units})


@staff_required
def unit_detail(request, code):
    unit = unit_in_scope(request.user, code)
    return render(
        request,
        "surveys/unit_detail.html",
        {"unit": unit, "services": unit.services.filter(active=True), "open_period": Period.objects.open().first()},
    )


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def server_error(request):
    return render(request, "errors/500.html", status=500)
