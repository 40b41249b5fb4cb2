"""Account services: invite (a one-time set-password link by e-mail), deactivate, move an officer. Audited."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..audit import audited, record_account_event
from ..models import Kanwil, Membership, Role, Unit
from .scope import manages_user, may_manage


def set_password_link(user, *, base_url: str = "") -> str:
    """The one-time link to set a password: Django's reset token, void once the password changes."""
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
    })
    return (base_url or settings.PUBLIC_BASE_URL or "").rstrip("/") + path


@audited
def invite_staff(*, acting_user, username: str, email: str, role: str, first_name: str = "", last_name: str = "",
                 kanwil: Kanwil | None = None, unit: Unit | None = None, is_admin: bool = False,
                 base_url: str = ""):
    """Creates an account without a usable password and e-mails the link that sets it."""
    if not may_manage(acting_user, role=role, kanwil=kanwil, unit=unit):
        raise PermissionDenied
    if role != Role.KANWIL:
        is_admin = False
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=username, email=email, first_name=first_name,
                                                    last_name=last_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.create(user=user, role=role, kanwil=kanwil if role == Role.KANWIL else None,
                                  unit=unit if role == Role.UPT else None, is_admin=is_admin)
        record_account_event(actor=acting_user, user=user, event="invite", changes={"email": [None, email]})
    link = set_password_link(user, base_url=base_url)
    body = render_to_string("accounts/invite_email.txt", {"user": user, "link": link,
                                                           "scope": user.membership.scope_label})
    send_mail(_("Undangan akun SPAK-SPKP"), body, None, [email])
    return user


@audited
def deactivate_staff(*, acting_user, user):
    """Blocks the account's logins; the account is never deleted, so the audit trail keeps its name."""
    if not manages_user(acting_user, user):
        raise PermissionDenied
    user.is_active = False
    user.save(update_fields=["is_active"])
    record_account_event(actor=acting_user, user=user, event="deactivate", changes={"is_active": ["True", "False"]})
    return user


@audited
def reactivate_staff(*, acting_user, user):
    if not manages_user(acting_user, user):
        raise PermissionDenied
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_account_event(actor=acting_user, user=user, event="reactivate", changes={"is_active": ["False", "True"]})
    return user


@audited
def move_officer(*, acting_user, user, unit: Unit):
    """Moves a UPT officer to another unit; both units must be within the actor's scope."""
    membership = user.membership
    if membership.role != Role.UPT or not manages_user(acting_user, user) or not may_manage(
            acting_user, role=Role.UPT, unit=unit):
        raise PermissionDenied
    old = membership.unit
    membership.unit = unit
    membership.save(update_fields=["unit"])
    record_account_event(actor=acting_user, user=user, event="move", changes={"unit": [old.code, unit.code]})
    return user
