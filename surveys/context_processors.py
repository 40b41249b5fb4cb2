"""Template context: the signed-in staff member's role and scope, for navigation."""
from .models import Role, membership_of, sees_everything


def staff_scope(request):
    user = getattr(request, "user", None)
    membership = membership_of(user)
    role = Role.PUSAT if user is not None and sees_everything(user) else getattr(membership, "role", None)
    return {
        "staff_membership": membership,
        "staff_role": role,
        "is_pusat": role == Role.PUSAT,
        "is_kanwil": role == Role.KANWIL,
        "is_upt": role == Role.UPT,
    }
