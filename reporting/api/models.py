"""Access tokens of ministry systems for the open-data API: scoped like a staff user, revocable, hashed."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from surveys.models import Kanwil, Role, Unit


class ApiToken(models.Model):
    """One system's token. Only the SHA-256 of the secret is stored; `prefix` (its first characters) lets a
    person tell tokens apart. The scope is that of a staff membership: Pusat (all), one Kanwil or one UPT."""

    name = models.CharField(_("nama sistem"), max_length=120)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(_("cakupan"), max_length=10, choices=Role.choices)
    kanwil = models.ForeignKey(Kanwil, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("Kanwil"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("UPT"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        constraints = [
            models.CheckConstraint(
                name="api_token_scope_matches_role",
                condition=(
                    Q(role="pusat", kanwil__isnull=True, unit__isnull=True)
                    | Q(role="kanwil", kanwil__isnull=False, unit__isnull=True)
                    | Q(role="upt", kanwil__isnull=True, unit__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def scope_label(self) -> str:
        if self.role == Role.KANWIL:
            return str(self.kanwil)
        if self.role == Role.UPT:
            return str(self.unit)
        return str(_("Nasional"))


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(ApiToken, exclude_fields=["key_hash"])
