"""Access points: where a respondent reaches the form (a QR poster, a kiosk tablet, a link)."""
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisation import Unit, UnitService

# Lower-case letters and digits without the look-alikes 0/o, 1/l/i: the poster prints the URL for people who
# cannot scan, and they must be able to type it. 16 characters of 31 give about 79 bits: unguessable.
TOKEN_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # noqa: S105 (an alphabet, not a secret)
TOKEN_LENGTH = 16


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


class AccessPointQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(unit__in=Unit.objects.visible_to(user))


class AccessPoint(models.Model):
    """A place a respondent reaches the form from: a QR poster at a counter, a kiosk tablet, a link."""

    class Kind(models.TextChoices):
        COUNTER = "counter", _("Loket (poster QR)")
        KIOSK = "kiosk", _("Tablet kios")
        LINK = "link", _("Tautan / leaflet")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="access_points")
    name = models.CharField(_("nama"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.COUNTER)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    default_service = models.ForeignKey(
        UnitService, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("layanan bawaan")
    )
    kiosk = models.BooleanField(_("mode kios"), default=False)
    enabled = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccessPointQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="access_point_name_unique")]
        verbose_name = _("titik akses")
        verbose_name_plural = _("titik akses")

    def __str__(self):
        return f"{self.unit} / {self.name}"

    @property
    def public_path(self) -> str:
        """Path of the public form for this access point (URL name `public_form`, built by responses)."""
        return f"/s/{self.token}/"

    def public_url(self, request=None) -> str:
        """Absolute form URL: PUBLIC_BASE_URL when set, else the host of the current request."""
        base = (settings.PUBLIC_BASE_URL or "").rstrip("/")
        if base:
            return base + self.public_path
        if request is not None:
            return request.build_absolute_uri(self.public_path)
        return self.public_path

    @property
    def channel(self) -> str:
        """How a respondent arrives here, as stored on Response.channel."""
        if self.kiosk or self.kind == self.Kind.KIOSK:
            return "kiosk"
        return "link" if self.kind == self.Kind.LINK else "qr"
