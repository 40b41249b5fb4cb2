"""Survey periods (quarter by default), each unit's population and target per period, and extra items."""
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from ..sampling import unit_parts
from .instruments import Indicator, InstrumentVersion
from .localized import localized, localized_label
from .organisation import Kanwil, Unit, UnitService


class PeriodQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Period.Status.OPEN)

    def due_to_open(self, today):
        """Scheduled periods whose dates include `today`."""
        return self.filter(status=Period.Status.SCHEDULED, starts_on__lte=today, ends_on__gte=today)

    def due_to_close(self, today):
        """Open periods past their closing date, except reopened ones (those close by hand)."""
        return self.filter(status=Period.Status.OPEN, ends_on__lt=today, reopened_at__isnull=True)

    def current(self) -> "Period | None":
        """The period a staff page shows when none is asked for, the same on every page: the open one, else
        the most recently closed, else the next scheduled."""
        return (self.open().order_by("-starts_on").first()
                or self.filter(status=Period.Status.CLOSED).order_by("-starts_on").first()
                or self.filter(status=Period.Status.SCHEDULED).order_by("starts_on").first())

    def selected(self, raw: str | None) -> "Period | None":
        """The period named by `raw` (a ?periode=<id> value); current() when `raw` is empty or not a number;
        None when it is a number that names no period."""
        raw = (raw or "").strip()
        if not raw.isdigit():
            return self.current()
        return self.filter(pk=int(raw)).first()


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
    # Set when Pusat reopens a closed period: it then closes by hand only, and its next close freezes a new
    # revision of every final snapshot.
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(_("alasan dibuka kembali"), blank=True)

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

    def reopenable_until(self):
        """The instant until which Pusat may reopen this closed period (None: not reopenable)."""
        days = settings.PERIOD_REOPEN_DAYS
        if self.status != Period.Status.CLOSED or self.closed_at is None or days <= 0:
            return None
        return self.closed_at + timedelta(days=days)

    def versions_in_order(self) -> list[InstrumentVersion]:
        """The period's instrument versions in display order (SPAK before SPKP), each with its instrument and
        its indicators in position order prefetched."""
        return list(
            self.instrument_versions.select_related("instrument")
            .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position")))
            .order_by("instrument__position", "instrument__code", "number")
        )


class TargetQuerySet(models.QuerySet):
    def reallocate(self, *, period_id: int, unit_ids, adjusted: dict[int, int | None] | None = None) -> int:
        """Recomputes the targets of each unit's services in the period (docs/methodology.md §4): the unit's
        target is Krejcie–Morgan of its total population, allocated to its services by population with
        largest-remainder rounding. A Kanwil's adjusted unit target (the sum of the services' adjusted parts,
        at most the population) is allocated the same way; `adjusted` sets a unit's (None: none). Returns how
        many rows changed."""
        adjusted = adjusted or {}
        rows: dict[int, list[Target]] = {}
        for target in self.filter(period_id=period_id, service__unit_id__in=list(unit_ids)).select_related(
            "service"
        ).order_by("service__unit_id", "service_id"):
            rows.setdefault(target.service.unit_id, []).append(target)
        changed = []
        for unit_id, targets in rows.items():
            parts = [t.adjusted_target for t in targets if t.adjusted_target is not None]
            unit_adjusted = adjusted[unit_id] if unit_id in adjusted else (sum(parts) if parts else None)
            samples, adjusted_parts = unit_parts([t.population for t in targets], unit_adjusted)
            for target, sample, adjusted_part in zip(targets, samples, adjusted_parts, strict=True):
                if (target.sample_target, target.adjusted_target) != (sample, adjusted_part):
                    target.sample_target, target.adjusted_target = sample, adjusted_part
                    changed.append(target)
        for target in changed:  # saved one by one so that the audit trail records each change
            target.save(update_fields=["sample_target", "adjusted_target", "updated_at"])
        return len(changed)


class Target(models.Model):
    """Population of one service of one UPT in one period, and that service's part of the unit's target
    sample (docs/methodology.md §4). The unit's target is the sum of its services' parts; so is a Kanwil's
    adjusted unit target, stored as parts in `adjusted_target` (kept by TargetQuerySet.reallocate)."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("Diisi UPT")
        CARRIED = "carried", _("Dari periode sebelumnya")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="targets")
    service = models.ForeignKey(UnitService, on_delete=models.PROTECT, related_name="targets")
    population = models.PositiveIntegerField(_("populasi (penerima layanan)"))
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    sample_target = models.PositiveIntegerField(_("target sampel"))  # this service's part of the unit's target
    adjusted_target = models.PositiveIntegerField(_("target disesuaikan Kanwil"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    objects = TargetQuerySet.as_manager()

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
