"""Organisation (Kanwil, UPT, services, staff scope), instruments, periods, targets and access points."""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MAX_INDICATORS = 20  # responses.Scoresheet has this many score columns


def localized(obj, field: str) -> str:
    """The English variant of `field` when the active language is English and it is filled, else Indonesian."""
    if (get_language() or "id").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, field)


def localized_label(row: dict, default: str = "") -> str:
    """A JSON label row's `label_en` when the active language is English and it is filled, else its `label`,
    else `default` (scale labels, bands, extra item choices)."""
    if (get_language() or "id").startswith("en") and row.get("label_en"):
        return row["label_en"]
    return row.get("label") or default


# --------------------------------------------------------------------------- scope
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


# --------------------------------------------------------------------------- instruments
class Instrument(models.Model):
    """A questionnaire programme, e.g. SPAK (gives IPAK) or SPKP (gives IPKP)."""

    code = models.SlugField(_("kode"), max_length=20, unique=True)  # "SPAK", "SPKP"
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)
    index_code = models.CharField(_("kode indeks"), max_length=20)  # "IPAK", "IPKP"
    index_name = models.CharField(_("nama indeks"), max_length=200)
    index_name_en = models.CharField(_("nama indeks (Inggris)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("instrumen")
        verbose_name_plural = _("instrumen")

    def __str__(self):
        return self.code

    @property
    def name_display(self) -> str:
        return localized(self, "name")

    @property
    def index_name_display(self) -> str:
        return localized(self, "index_name")


def default_bands() -> list[dict]:
    """The methodology's category bands on the converted index IK (section 5)."""
    return [
        {"code": "A", "min": "88.31", "max": "100.00", "label": "Sangat baik", "label_en": "Very good"},
        {"code": "B", "min": "76.61", "max": "88.30", "label": "Baik", "label_en": "Good"},
        {"code": "C", "min": "65.00", "max": "76.60", "label": "Kurang baik", "label_en": "Poor"},
        {"code": "D", "min": "25.00", "max": "64.99", "label": "Tidak baik", "label_en": "Very poor"},
    ]


class InstrumentVersion(models.Model):
    """One fixed wording of an instrument: indicators, scale and bands. Frozen once it has responses."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Terbit")
        RETIRED = "retired", _("Tidak dipakai")

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versi"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    scale_min = models.SmallIntegerField(_("skala minimum"), default=1)
    scale_max = models.SmallIntegerField(_("skala maksimum"), default=4)
    # [{"value": 1, "label": "Sangat tidak setuju", "label_en": "Strongly disagree"}, ...]
    scale_labels = models.JSONField(_("label skala"), default=list)
    bands = models.JSONField(_("kategori mutu"), default=default_bands)
    min_seconds_per_item = models.DecimalField(
        _("waktu minimum wajar per butir (detik)"), max_digits=5, decimal_places=2, default=2
    )
    # Set when the first response is stored; the database then refuses changes to the indicators.
    frozen = models.BooleanField(_("terkunci"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="version_number_unique"),
            models.CheckConstraint(name="version_scale_ordered", condition=Q(scale_max__gt=models.F("scale_min"))),
        ]
        verbose_name = _("versi instrumen")
        verbose_name_plural = _("versi instrumen")

    def __str__(self):
        return f"{self.instrument.code} v{self.number}"

    @property
    def editable(self) -> bool:
        """Only a draft that no response has answered may be edited in place."""
        return self.status == self.Status.DRAFT and not self.frozen

    def localized_scale(self) -> list[tuple[int, str]]:
        """(value, label) pairs of the scale in the active language, from minimum to maximum."""
        labels = {row["value"]: row for row in self.scale_labels}
        return [(value, localized_label(labels.get(value, {}), default=str(value)))
                for value in range(self.scale_min, self.scale_max + 1)]


class Indicator(models.Model):
    """One rated statement of an instrument version (e.g. SPAK4: no illegal levies)."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("urutan"))  # 1-based; also the Scoresheet column number
    code = models.CharField(_("kode"), max_length=20)
    statement = models.TextField(_("pernyataan"))
    statement_en = models.TextField(_("pernyataan (Inggris)"), blank=True)
    help_text = models.TextField(_("keterangan"), blank=True)
    help_text_en = models.TextField(_("keterangan (Inggris)"), blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="indicator_code_unique"),
            models.UniqueConstraint(fields=["version", "position"], name="indicator_position_unique"),
            models.CheckConstraint(
                name="indicator_position_range", condition=Q(position__gte=1, position__lte=MAX_INDICATORS)
            ),
        ]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")

    def __str__(self):
        return self.code

    @property
    def statement_display(self) -> str:
        return localized(self, "statement")

    @property
    def help_display(self) -> str:
        return localized(self, "help_text")


# --------------------------------------------------------------------------- periods and targets
class PeriodQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Period.Status.OPEN)


class Period(models.Model):
    """A survey period of a programme (quarter by default). At most one is open per programme."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Triwulan")
        SEMESTER = "semester", _("Semester")
        YEAR = "year", _("Tahun")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Terjadwal")
        OPEN = "open", _("Dibuka")
        CLOSED = "closed", _("Ditutup")

    programme = models.SlugField(_("program"), max_length=40, default="spak-spkp")
    name = models.CharField(_("nama"), max_length=100)  # "Triwulan IV 2026"
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.QUARTER)
    starts_on = models.DateField(_("tanggal buka"))
    ends_on = models.DateField(_("tanggal tutup"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    instrument_versions = models.ManyToManyField(InstrumentVersion, related_name="periods", blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"], condition=Q(status="open"), name="one_open_period_per_programme"
            ),
            models.CheckConstraint(name="period_dates_ordered", condition=Q(ends_on__gte=models.F("starts_on"))),
        ]
        verbose_name = _("periode")
        verbose_name_plural = _("periode")

    def __str__(self):
        return self.name


class Target(models.Model):
    """Population and target sample of one service of one UPT in one period (methodology section 4)."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("Diisi UPT")
        CARRIED = "carried", _("Dari periode sebelumnya")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="targets")
    service = models.ForeignKey(UnitService, on_delete=models.PROTECT, related_name="targets")
    population = models.PositiveIntegerField(_("populasi (penerima layanan)"))
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    sample_target = models.PositiveIntegerField(_("target sampel"))  # Krejcie–Morgan, floor 30
    adjusted_target = models.PositiveIntegerField(_("target disesuaikan Kanwil"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "service"], name="target_period_service_unique")]
        verbose_name = _("target sampel")
        verbose_name_plural = _("target sampel")

    @property
    def effective_target(self) -> int:
        return self.adjusted_target if self.adjusted_target is not None else self.sample_target


class ExtraItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Items of units the user sees, and of Kanwil the user sees (or whose units the user sees)."""
        units = Unit.objects.visible_to(user)
        return self.filter(Q(unit__in=units) | Q(kanwil__in=Kanwil.objects.visible_to(user)))

    def effective_for(self, unit, period):
        """The active extra items a respondent of `unit` sees in `period`: the Kanwil's first, then the unit's."""
        return (
            self.filter(period=period, active=True)
            .filter(Q(unit=unit) | Q(kanwil_id=unit.kanwil_id))
            .order_by(models.F("unit").asc(nulls_first=True), "position", "pk")
        )


class ExtraItem(models.Model):
    """A unit's (or a whole Kanwil's) own question for a period; shown after the official ones, never scored."""

    class Kind(models.TextChoices):
        CHOICE = "choice", _("Pilihan")
        TEXT = "text", _("Teks singkat (opsional)")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="extra_items")
    kanwil = models.ForeignKey(Kanwil, on_delete=models.CASCADE, null=True, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    prompt = models.CharField(_("pertanyaan"), max_length=300)
    prompt_en = models.CharField(_("pertanyaan (Inggris)"), max_length=300, blank=True)
    # [{"value": "a", "label": "...", "label_en": "..."}]
    choices = models.JSONField(_("pilihan"), default=list, blank=True)
    required = models.BooleanField(_("wajib"), default=False)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    active = models.BooleanField(_("aktif"), default=True)

    objects = ExtraItemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="extra_item_one_owner",
                condition=Q(kanwil__isnull=False, unit__isnull=True) | Q(kanwil__isnull=True, unit__isnull=False),
            )
        ]
        verbose_name = _("butir tambahan")
        verbose_name_plural = _("butir tambahan")

    def __str__(self):
        return localized(self, "prompt")

    def localized_choices(self) -> list[tuple[str, str]]:
        """(value, label) pairs in the active language."""
        return [(c["value"], localized_label(c)) for c in self.choices]


# --------------------------------------------------------------------------- access points
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
