"""Who manages whose account. Pusat manages Kanwil staff and Pusat colleagues; a Kanwil admin manages the UPT
officers of their own region; nobody manages someone above or outside their scope."""
from django.contrib.auth import get_user_model
from django.db.models import Q

from ..models import Kanwil, Membership, Role, Unit, membership_of, sees_everything


def is_account_admin(user) -> bool:
    if sees_everything(user):
        return True
    m = membership_of(user)
    return m is not None and m.role == Role.KANWIL and m.is_admin


def may_manage(actor, *, role: str, kanwil: Kanwil | None = None, unit: Unit | None = None) -> bool:
    """Whether `actor` may create or change an account with this role and scope."""
    if sees_everything(actor):
        return role in (Role.PUSAT, Role.KANWIL)
    m = membership_of(actor)
    if m is None or m.role != Role.KANWIL or not m.is_admin:
        return False
    return role == Role.UPT and unit is not None and unit.kanwil_id == m.kanwil_id


def manageable_users(actor):
    """The staff accounts `actor` may manage (never the actor's own, never a superuser)."""
    users = get_user_model().objects.exclude(pk=actor.pk).filter(is_superuser=False, membership__isnull=False)
    if sees_everything(actor):
        return users.filter(membership__role__in=[Role.PUSAT, Role.KANWIL])
    m = membership_of(actor)
    if m is None or m.role != Role.KANWIL or not m.is_admin:
        return users.none()
    return users.filter(membership__role=Role.UPT, membership__unit__kanwil_id=m.kanwil_id)


def manages_user(actor, user) -> bool:
    return manageable_users(actor).filter(pk=user.pk).exists()


def users_with_access_to(unit: Unit):
    """Active accounts that can see this unit: its officers, its region's Kanwil staff, Pusat, superusers."""
    return (
        get_user_model().objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(membership__role=Role.PUSAT)
            | Q(membership__role=Role.KANWIL, membership__kanwil_id=unit.kanwil_id)
            | Q(membership__role=Role.UPT, membership__unit=unit)
        )
        .select_related("membership")
        .order_by("username")
    )


__all__ = ["Membership", "is_account_admin", "may_manage", "manageable_users", "manages_user",
           "users_with_access_to"]
