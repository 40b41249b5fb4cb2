"""Who may open staff pages: a decorator for views and helpers that fetch objects within scope."""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Kanwil, Period, Role, Unit, membership_of, sees_everything


def staff_required(*roles: str):
    """Login required, and the user must be Pusat/superuser or hold one of `roles` (all roles when empty)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if sees_everything(user):
                return view(request, *args, **kwargs)
            membership = membership_of(user)
            if membership is None or (roles and membership.role not in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    if len(roles) == 1 and callable(roles[0]):  # used bare: @staff_required
        view, roles = roles[0], ()
        return decorator(view)
    return decorator


def unit_in_scope(user, code: str) -> Unit:
    """The unit with this code if the user may see it; 404 otherwise (so its existence does not leak)."""
    return get_object_or_404(Unit.objects.visible_to(user).select_related("kanwil"), code=code)


def kanwil_in_scope(user, code: str) -> Kanwil:
    return get_object_or_404(Kanwil.objects.visible_to(user), code=code)


def selected_period(request) -> Period | None:
    """The period a staff page shows: ?periode=<id>, else Period.objects.current(); 404 for an id that names
    no period. Every staff page reads its period through this one rule."""
    raw = request.GET.get("periode", "")
    period = Period.objects.selected(raw)
    if period is None and raw.strip().isdigit():
        raise Http404
    return period


def is_role(user, role: str) -> bool:
    if role == Role.PUSAT:
        return sees_everything(user)
    m = membership_of(user)
    return m is not None and m.role == role
