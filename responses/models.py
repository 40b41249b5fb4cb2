"""Stored answers: one Response per submission, one Scoresheet per instrument answered, and validity flags."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import (
    MAX_INDICATORS,
    AccessPoint,
    InstrumentVersion,
    Period,
    Unit,
    UnitService,
)


class Channel(models.TextChoices):
    QR = "qr", _("Ponsel sendiri (QR)")
    KIOSK = "kiosk", _("Tablet kios")
    LINK = "link", _("Tautan")
    TICKET = "ticket", _("Tiket survei")


class Sex(models.TextChoices):
    MALE = "m", _("Laki-laki")
    FEMALE = "f", _("Perempuan")


class AgeBand(models.TextChoices):
    UNDER_20 = "lt20", _("< 20 tahun")
    A20 = "20-29", _("20–29 tahun")
    A30 = "30-39", _("30–39 tahun")
    A40 = "40-49", _("40–49 tahun")
    A50 = "50-59", _("50–59 tahun")
    A60 = "ge60", _("≥ 60 tahun")


class Education(models.TextChoices):
    SD = "sd", _("≤ SD")
    SMP = "smp", _("SMP")
    SMA = "sma", _("SMA/SMK")
    DIPLOMA = "d1-d3", _("D1–D3")
    S1 = "d4-s1", _("D4/S1")
    S2 = "s2-s3", _("S2/S3")


class Occupation(models.TextChoices):
    PNS = "pns", _("PNS/TNI/Polri")
    SWASTA = "swasta", _("Pegawai swasta")
    WIRASWASTA = "wiraswasta", _("Wiraswasta")
    PELAJAR = "pelajar", _("Pelajar/mahasiswa")
    LAINNYA = "lainnya", _("Lainnya")


class DeviceClass(models.TextChoices):
    MOBILE = "mobile", _("Ponsel")
    TABLET = "tablet", _("Tablet")
    DESKTOP = "desktop", _("Komputer")
    UNKNOWN = "unknown", _("Tidak diketahui")


class ResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(unit__in=Unit.objects.visible_to(user))

    def counted(self):
        """Accepted and not rejected by a reviewer (docs/methodology.md §6)."""
        return self.filter(status=Response.Status.ACCEPTED)


class Response(models.Model):
    """One anonymous submission at an access point. Holds no name, phone number, raw IP or user agent."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Diterima")
        REJECTED = "rejected", _("Ditolak peninjau")

    idempotency_key = models.UUIDField(unique=True, editable=False)
    # No single-column indexes where a composite one below starts with the column: fewer index writes per
    # submission, and no narrower index for a prepared statement's generic plan to prefer (validity.py).
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="responses", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="responses", db_index=False)
    access_point = models.ForeignKey(AccessPoint, on_delete=models.PROTECT, related_name="responses",
                                     db_index=False)
    service = models.ForeignKey(UnitService, on_delete=models.PROTECT, related_name="responses")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completion_seconds = models.PositiveIntegerField(null=True, blank=True)
    # Salted hash of a random first-party cookie id; the salt rotates per period. Empty at kiosks.
    device_hash = models.CharField(max_length=64, blank=True)
    device_class = models.CharField(max_length=10, choices=DeviceClass.choices, default=DeviceClass.UNKNOWN)
    sex = models.CharField(_("jenis kelamin"), max_length=2, choices=Sex.choices, blank=True)
    age_band = models.CharField(_("usia"), max_length=6, choices=AgeBand.choices, blank=True)
    education = models.CharField(_("pendidikan"), max_length=6, choices=Education.choices, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=12, choices=Occupation.choices, blank=True)
    # "Did an officer ask you to give particular answers or watch you fill this in?"
    steered = models.BooleanField(null=True, blank=True)
    suggestion = models.TextField(_("saran"), max_length=1000, blank=True)
    extra_answers = models.JSONField(default=dict, blank=True)  # {str(ExtraItem.pk): value}
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    flagged = models.BooleanField(default=False)  # has at least one validity Flag
    # Digest of every score of every version (responses.validity.answers_digest): identical answer sets
    # share it, so the burst rule is one index range per submission. Empty on rows stored without it.
    answers_digest = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["period", "unit"]),
            # The store-time validity rules' two ranges (responses/validity.py). No (access_point, created_at)
            # index beside the second: a prepared statement's generic plan could pick it for the burst check
            # and read every recent response of a busy counter instead of the few with the same answers.
            models.Index(fields=["unit", "device_hash", "created_at"]),
            models.Index(fields=["access_point", "answers_digest", "created_at"]),
        ]
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")


def _score_fields():
    return {
        f"score_{i}": models.PositiveSmallIntegerField(null=True, blank=True)
        for i in range(1, MAX_INDICATORS + 1)
    }


class Scoresheet(models.Model):
    """The scores one Response gave to one instrument version, one column per indicator position.

    A wide row (not one row per answer) so that a period's indices are one GROUP BY over a narrow table.
    `period`, `unit` and `service` copy the Response's (they never change); `status` and `flagged` are
    kept in step with the Response by responses.services in the same transaction.
    """

    # The unique (response, version) and the (period, version, unit) indexes serve these two columns.
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="scoresheets", db_index=False)
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="scoresheets")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(UnitService, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Response.Status.choices, default=Response.Status.ACCEPTED)
    flagged = models.BooleanField(default=False)
    locals().update(_score_fields())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "version"], name="scoresheet_once_per_version")]
        indexes = [models.Index(fields=["period", "version", "unit"])]

    def scores(self, n: int) -> list[int | None]:
        return [getattr(self, f"score_{i}") for i in range(1, n + 1)]


class Flag(models.Model):
    """A soft validity flag on a response (docs/methodology.md §6): stored, counted, reviewable."""

    class Rule(models.TextChoices):
        TOO_FAST = "too_fast", _("Terlalu cepat")
        STRAIGHT_LINING = "straight_lining", _("Jawaban seragam dan cepat")
        REPEAT_DEVICE = "repeat_device", _("Perangkat sama dalam 24 jam")
        BURST = "burst", _("Rentetan jawaban identik")
        STEERED = "steered", _("Diarahkan/diawasi petugas")
        OUTSIDE_HOURS = "outside_hours", _("Di luar jam layanan")
        FLOOD = "flood", _("Banjir kiriman di titik akses")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="flags")
    rule = models.CharField(max_length=20, choices=Rule.choices)
    evidence = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "rule"], name="flag_once_per_rule")]
        indexes = [models.Index(fields=["rule", "created_at"])]


class ReviewDecision(models.Model):
    """A Kanwil reviewer's decision on a flagged response, with its mandatory reason."""

    class Decision(models.TextChoices):
        REJECT = "reject", _("Tolak")
        REINSTATE = "reinstate", _("Pulihkan")

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(_("alasan"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]


class RefusedSubmission(models.Model):
    """Submissions refused by a device's rate limit, counted per access point, device hash and hour.

    Nothing of the refused answers is kept: only how often one device was turned away where, as evidence
    for the review (ten refusals from one phone say more than the responses it managed to store).
    """

    access_point = models.ForeignKey(AccessPoint, on_delete=models.CASCADE, related_name="refusals")
    device_hash = models.CharField(max_length=64, blank=True)
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["access_point", "device_hash", "hour"],
                                               name="refusal_once_per_hour")]


class ReviewWindow(models.Model):
    """A unit or access point, a time range and the responses in it, found improbable as a whole by the
    window job (responses/windows.py); a Kanwil decision on it applies to all its responses."""

    class Kind(models.TextChoices):
        VOLUME = "volume", _("Lonjakan jumlah jawaban")
        KIOSK_CADENCE = "kiosk_cadence", _("Kios diisi terlalu rapat")
        REFUSALS = "refusals", _("Kiriman berulang yang ditolak")
        ANSWER_SHIFT = "answer_shift", _("Sebaran jawaban menyimpang")
        SERVICE_DAY = "service_day", _("Jawaban melebihi jumlah layanan")

    class Status(models.TextChoices):
        OPEN = "open", _("Belum ditinjau")
        REJECTED = "rejected", _("Ditolak")
        REINSTATED = "reinstated", _("Ditinjau, tetap dihitung")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="review_windows")
    access_point = models.ForeignKey(AccessPoint, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="review_windows")
    # The service of a service-day window (responses above the unit's entered count that day).
    service = models.ForeignKey(UnitService, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="review_windows")
    device_hash = models.CharField(max_length=64, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    response_ids = models.JSONField(default=list)
    evidence = models.JSONField(default=dict)
    detected_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"])]


class RecomputeRequest(models.Model):
    """A unit-period whose indices are out of date: the durable half of the recompute request.

    Written by database triggers on responses_response (INSERT, and UPDATE of a review or a flag) in the
    same transaction as the change, so no extra round trip on the form's path and nothing lost when the
    broker is down; drained by reporting (`reporting.outbox`). Never written by Python code.
    """

    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    requested_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="recompute_request_unique")]
