"""Computed index snapshots and background export jobs."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import MAX_INDICATORS, InstrumentVersion, Kanwil, Period, Unit, UnitService


class Level(models.TextChoices):
    UNIT = "unit", _("UPT")
    KANWIL = "kanwil", _("Kanwil")
    NATION = "nation", _("Nasional")


class SnapshotQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def visible_to(self, user):
        from surveys.models import sees_everything

        if sees_everything(user):
            return self
        units = Unit.objects.visible_to(user)
        kanwils = Kanwil.objects.visible_to(user)
        return self.filter(Q(unit__in=units) | Q(level=Level.KANWIL, kanwil__in=kanwils))


class Snapshot(models.Model):
    """IPAK or IPKP for one scope, instrument version and period (optionally one service), as computed.

    Exact integer sums are kept so a figure can be recomputed and checked; displayed figures are the
    methodology's rounded values (2 decimals, half-up). `*_unflagged` is the same figure without flagged
    responses; `*_ticketed` the same figure from the counted responses redeemed from a survey ticket only
    (`n_ticketed` of them, flagged ones included as in the official figure). `unit_average_*` is the
    unweighted mean of unit indices (Kanwil and nation only).
    """

    level = models.CharField(max_length=10, choices=Level.choices)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="snapshots")
    kanwil = models.ForeignKey(Kanwil, on_delete=models.CASCADE, null=True, blank=True, related_name="snapshots")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="snapshots")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="snapshots")
    service = models.ForeignKey(UnitService, on_delete=models.CASCADE, null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    is_final = models.BooleanField(default=False)

    n_counted = models.PositiveIntegerField(default=0)
    n_flagged = models.PositiveIntegerField(default=0)  # counted responses that carry a flag
    n_rejected = models.PositiveIntegerField(default=0)  # excluded by a reviewer
    # [{"code": "SPKP1", "sum": 17, "count": 5, "nrr": "3.40", "sum_unflagged": ..., "count_unflagged": ...,
    #   "nrr_unflagged": ..., "sum_ticketed": ..., "count_ticketed": ..., "nrr_ticketed": ...}]
    indicators = models.JSONField(default=list)
    nrr = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    ik = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    category = models.CharField(max_length=2, blank=True)
    nrr_unflagged = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    ik_unflagged = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    category_unflagged = models.CharField(max_length=2, blank=True)
    n_ticketed = models.PositiveIntegerField(default=0)  # counted responses from a survey ticket
    nrr_ticketed = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    ik_ticketed = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    category_ticketed = models.CharField(max_length=2, blank=True)
    unit_average_nrr = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    unit_average_ik = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # Exact Σ of the unit NRRs and IKs ("num/den") over the `unit_count` units with an index (Kanwil and nation):
    # the unit average is Σ / count, and a unit's recompute adds the Kanwil's sums up to the nation's.
    unit_nrr_sum = models.TextField(blank=True, default="")
    unit_ik_sum = models.TextField(blank=True, default="")
    unit_count = models.PositiveIntegerField(default=0)
    # How sure the IK is (reporting/uncertainty.py): exact Σt and Σt² of the counted responses' total scores
    # (n is n_counted), the population N used for the finite-population correction (None: not known), the
    # standard error, the 95 % margin (Student t) and its bounds, and the categories the interval touches
    # ("B,A": own category first). All None / empty below two responses.
    score_total = models.BigIntegerField(default=0)
    score_squares = models.BigIntegerField(default=0)
    ik_population = models.PositiveIntegerField(null=True, blank=True)
    ik_se = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    ik_margin_95 = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    ik_low_95 = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    ik_high_95 = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    ik_categories_95 = models.CharField(max_length=20, blank=True)
    # Arrival time of the latest response in scope (any status), for "last response" on dashboards.
    last_response_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["period", "level", "is_current"])]
        constraints = [
            models.CheckConstraint(
                name="snapshot_scope_matches_level",
                condition=(
                    Q(level="unit", unit__isnull=False, kanwil__isnull=True)
                    | Q(level="kanwil", kanwil__isnull=False, unit__isnull=True)
                    | Q(level="nation", kanwil__isnull=True, unit__isnull=True)
                ),
            ),
            models.UniqueConstraint(
                fields=["level", "unit", "kanwil", "period", "version", "service", "revision"],
                nulls_distinct=False,
                name="snapshot_revision_unique",
            ),
        ]

    @property
    def ticketed_share(self):
        """Counted responses from a survey ticket as a percentage of all counted (1 decimal), None when none."""
        from decimal import ROUND_HALF_UP, Decimal

        if not self.n_counted:
            return None
        return (Decimal(self.n_ticketed) * 100 / Decimal(self.n_counted)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _total_fields():
    fields = {}
    for i in range(1, MAX_INDICATORS + 1):
        fields[f"s_{i}"] = models.BigIntegerField(default=0)
        fields[f"c_{i}"] = models.BigIntegerField(default=0)
    return fields


class ScoreTotal(models.Model):
    """Running integer sums of responses_scoresheet per (period, unit, version, service, status, flagged,
    ticketed), `ticketed` being whether the response came through a survey ticket (its channel).

    On PostgreSQL, statement-level triggers on responses_scoresheet keep these rows equal to a GROUP BY over
    it (see migration 0003 and reporting/totals_sql.py), so a national recompute reads a few thousand rows
    instead of scanning millions. s_i / c_i: sum and count of score_i. Never written by Python code.
    """

    period = models.ForeignKey(Period, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    service = models.ForeignKey(UnitService, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    status = models.CharField(max_length=10)
    flagged = models.BooleanField()
    ticketed = models.BooleanField(default=False)
    n = models.BigIntegerField(default=0)
    last_response_id = models.BigIntegerField(null=True)
    # Σt and Σt² of the responses' total scores t (sum of a response's indicator scores): the IK's spread.
    t_sum = models.BigIntegerField(default=0)
    t_squares = models.BigIntegerField(default=0)
    locals().update(_total_fields())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "version", "service", "status", "flagged", "ticketed"],
                                    name="score_total_group_unique_ticketed"),
        ]


def export_path(job: "ExportJob", filename: str) -> str:
    return f"exports/{job.created_at:%Y/%m}/{job.pk or 'new'}-{filename}"


class ExportJob(models.Model):
    """A requested Excel/CSV export, built by a Celery task; the download centre lists these."""

    class Kind(models.TextChoices):
        RECAP = "recap", _("Rekap SPAK/SPKP (Excel)")
        RAW_XLSX = "raw_xlsx", _("Data mentah anonim (Excel)")
        RAW_CSV = "raw_csv", _("Data mentah anonim (CSV)")
        REPORT = "report", _("Laporan resmi (PDF)")
        POSTER = "poster", _("Poster pengumuman hasil (PDF)")
        PACK = "pack", _("Paket bukti Zona Integritas (zip)")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Menunggu antrean tugas")
        QUEUED = "queued", _("Antre")
        RUNNING = "running", _("Diproses")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")
        EXPIRED = "expired", _("Kedaluwarsa")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")
    level = models.CharField(max_length=10, choices=Level.choices)
    kanwil = models.ForeignKey(Kanwil, on_delete=models.CASCADE, null=True, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True)
    period = models.ForeignKey(Period, on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RECAP)
    include_raw = models.BooleanField(default=False)
    options = models.JSONField(default=dict, blank=True)  # the report's signatory (name, NIP, place, title)
    # Free text in a raw export (Kanwil/Pusat only): asked for with a reason, recorded in the audit trail.
    include_text = models.BooleanField(default=False)
    text_reason = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8, default="id")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=export_path, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Set when the build starts and on every progress step: a running job whose heartbeat is older than
    # EXPORT_STALE_SECONDS lost its worker (reporting.exports.build.recover_exports).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="export_scope_matches_level",
                condition=(
                    Q(level="unit", unit__isnull=False, kanwil__isnull=True)
                    | Q(level="kanwil", kanwil__isnull=False, unit__isnull=True)
                    | Q(level="nation", kanwil__isnull=True, unit__isnull=True)
                ),
            )
        ]
from .api.models import ApiToken  # noqa: E402,F401
from .followups.models import ActionPlan, Evidence, FollowUpTarget, PlanComment  # noqa: E402,F401
