"""Questionnaires: instruments (SPAK, SPKP), their versions (frozen once answered) and indicators."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .localized import localized, localized_label

MAX_INDICATORS = 20  # responses.Scoresheet has this many score columns


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
