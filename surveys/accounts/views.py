"""Staff administration pages: the accounts an admin manages, invite, deactivate, move, who can see a unit."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import staff_required, unit_in_scope
from . import scope, services
from .forms import InviteForm, MoveForm
from .lockout import recent_failures


def _admin_only(user):
    if not scope.is_account_admin(user):
        raise PermissionDenied


@staff_required
def account_list(request):
    _admin_only(request.user)
    users = scope.manageable_users(request.user).select_related(
        "membership__kanwil", "membership__unit").order_by("username")
    accounts = list(users)
    for account in accounts:
        account.recent_failures = recent_failures(account.username, days=7).count()
    return render(request, "accounts/account_list.html", {
        "accounts": accounts, "move_form": MoveForm(actor=request.user),
    })


@staff_required
def my_failed_logins(request):
    """The signed-in user's failed logins of the last 7 days: when and from which address."""
    return render(request, "accounts/failed_logins.html", {
        "failures": recent_failures(request.user.username, days=7)[:50],
    })


@staff_required
def account_invite(request):
    _admin_only(request.user)
    form = InviteForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.invite_staff(
            acting_user=request.user, username=data["username"], email=data["email"], role=data["role"],
            first_name=data["first_name"], last_name=data["last_name"], kanwil=data.get("kanwil"),
            unit=data.get("unit"), is_admin=data.get("is_admin", False),
            base_url=request.build_absolute_uri("/"),
        )
        messages.success(request, _("Undangan dikirim ke %(email)s.") % {"email": user.email})
        return redirect("account_list")
    return render(request, "accounts/account_invite.html", {"form": form})


def _managed(request, pk):
    _admin_only(request.user)
    return get_object_or_404(scope.manageable_users(request.user), pk=pk)


@staff_required
@require_POST
def account_active(request, pk):
    user = _managed(request, pk)
    if user.is_active:
        services.deactivate_staff(acting_user=request.user, user=user)
        messages.success(request, _("Akun %(u)s dinonaktifkan.") % {"u": user.username})
    else:
        services.reactivate_staff(acting_user=request.user, user=user)
        messages.success(request, _("Akun %(u)s diaktifkan kembali.") % {"u": user.username})
    return redirect("account_list")


@staff_required
@require_POST
def account_move(request, pk):
    user = _managed(request, pk)
    form = MoveForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, _("Pilih UPT tujuan di wilayah Anda."))
        return redirect("account_list")
    services.move_officer(acting_user=request.user, user=user, unit=form.cleaned_data["unit"])
    messages.success(request, _("%(u)s dipindahkan ke %(unit)s.") % {"u": user.username,
                                                                     "unit": form.cleaned_data["unit"].name})
    return redirect("account_list")


@staff_required
def unit_access(request, code):
    """Who can see this unit and when they last signed in; for the admins who manage its officers."""
    unit = unit_in_scope(request.user, code)
    _admin_only(request.user)
    return render(request, "accounts/unit_access.html", {
        "unit": unit, "accounts": scope.users_with_access_to(unit),
    })
