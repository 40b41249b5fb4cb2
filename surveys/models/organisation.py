"""The organisation: Kanwil, UPT, their service types, and each staff user's role and scope."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .localized import localized


class Role(models.TextChoices):
    PUSAT = "pusat", _("Pusat")
    KANWIL = "kanwil", _("Kanwil")
    UPT = "upt", _("Petugas UPT")


def membership_of(user):
    """The user's Membership, or None (anonymous, no membership)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def sees_everything(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    m = membership_of(user)
    return m is not None and m.role == Role.PUSAT


class KanwilQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Regions a user may see: all for Pusat, their own for Kanwil staff, none for UPT officers."""
        if sees_everything(user):
            return self
        m = membership_of(user)
        if m is not None and m.role == Role.KANWIL:
            return self.filter(pk=m.kanwil_id)
        return self.none()


class Kanwil(models.Model):
    """Kantor Wilayah: the regional office of one directorate-general in one province."""

    class Kind(models.TextChoices):
        PEMASYARAKATAN = "pas", _("Pemasyarakatan")
        IMIGRASI = "imigrasi", _("Imigrasi")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    province = models.CharField(_("provinsi"), max_length=100)

    objects = KanwilQuerySet.as_manager()

    class Meta:
        ordering = ["province", "kind", "name"]
        verbose_name = _("Kanwil")
        verbose_name_plural = _("Kanwil")

    def __str__(self):
        return self.name


class UnitKind(models.TextChoices):
    LAPAS = "lapas", _("Lapas")
    RUTAN = "rutan", _("Rutan")
    LPKA = "lpka", _("LPKA")
    BAPAS = "bapas", _("Bapas")
    RUPBASAN = "rupbasan", _("Rupbasan")
    LPP = "lpp", _("LPP")
    KANIM = "kanim", _("Kantor Imigrasi")
    RUDENIM = "rudenim", _("Rudenim")


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Units a user may see: all for Pusat, their region's for Kanwil staff, their own for officers."""
        if sees_everything(user):
            return self
        m = membership_of(user)
        if m is None:
            return self.none()
        if m.role == Role.KANWIL:
            return self.filter(kanwil_id=m.kanwil_id)
        if m.role == Role.UPT:
            return self.filter(pk=m.unit_id)
        return self.none()

    def active(self):
        return self.filter(active=True)


class Unit(models.Model):
    """UPT (Unit Pelaksana Teknis): a technical unit that serves the public and is surveyed."""

    kanwil = models.ForeignKey(Kanwil, on_delete=models.PROTECT, related_name="units", verbose_name=_("Kanwil"))
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=UnitKind.choices)
    unit_class = models.CharField(_("kelas"), max_length=20, blank=True)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    opens_at = models.TimeField(_("jam layanan mulai"), null=True, blank=True)
    closes_at = models.TimeField(_("jam layanan selesai"), null=True, blank=True)
    active = models.BooleanField(_("aktif"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["kanwil__name", "name"]
        verbose_name = _("UPT")
        verbose_name_plural = _("UPT")

    def __str__(self):
        return self.name


class ServiceCatalogue(models.Model):
    """A service type offered by every unit of one kind (e.g. kunjungan keluarga at a Lapas)."""

    unit_kind = models.CharField(_("jenis UPT"), max_length=20, choices=UnitKind.choices)
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=150)
    name_en = models.CharField(_("nama (Inggris)"), max_length=150, blank=True)

    class Meta:
        ordering = ["unit_kind", "name"]
        constraints = [models.UniqueConstraint(fields=["unit_kind", "code"], name="catalogue_kind_code_unique")]
        verbose_name = _("katalog layanan")
        verbose_name_plural = _("katalog layanan")

    def __str__(self):
        return localized(self, "name")


class UnitServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(unit__in=Unit.objects.visible_to(user))

    def active(self):
        return self.filter(active=True)


class UnitService(models.Model):
    """A service type a given UPT offers: from its kind's catalogue, or added by the unit itself."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="services", verbose_name=_("UPT"))
    catalogue = models.ForeignKey(
        ServiceCatalogue, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("katalog")
    )
    name = models.CharField(_("nama"), max_length=150)
    name_en = models.CharField(_("nama (Inggris)"), max_length=150, blank=True)
    active = models.BooleanField(_("aktif"), default=True)

    objects = UnitServiceQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="unit_service_name_unique")]
        verbose_name = _("jenis layanan")
        verbose_name_plural = _("jenis layanan")

    def __str__(self):
        return localized(self, "name")


class Membership(models.Model):
    """A staff user's role and scope: Pusat (all), Kanwil (one region) or UPT (one unit)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)
    kanwil = models.ForeignKey(Kanwil, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("Kanwil"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("UPT"))
    is_admin = models.BooleanField(
        _("admin akun"), default=False,
        help_text=_("Staf Kanwil dengan tanda ini mengelola akun petugas UPT di wilayahnya."),
    )

    class Meta:
        verbose_name = _("keanggotaan staf")
        verbose_name_plural = _("keanggotaan staf")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role="pusat", kanwil__isnull=True, unit__isnull=True)
                    | Q(role="kanwil", kanwil__isnull=False, unit__isnull=True)
                    | Q(role="upt", kanwil__isnull=True, unit__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.scope_label})"

    @property
    def scope_label(self) -> str:
        if self.role == Role.KANWIL:
            return str(self.kanwil)
        if self.role == Role.UPT:
            return str(self.unit)
        return str(_("Seluruh Indonesia"))
