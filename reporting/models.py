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


# A snapshot's indicator rows are stored compact, one JSON array per indicator in this order (its position is
# its place in the list, from 1); IndicatorRowsField gives them back as dicts with these keys and "position".
INDICATOR_ROW = ("code", "sum", "count", "nrr", "sum_unflagged", "count_unflagged", "nrr_unflagged",
                 "sum_ticketed", "count_ticketed", "nrr_ticketed")


def expand_indicator_rows(rows: list) -> list:
    """Stored indicator rows as dicts (rows stored as dicts, by older code or by hand, are kept as they are)."""
    return [dict(zip(INDICATOR_ROW, row, strict=False), position=position) if isinstance(row, list) else row
            for position, row in enumerate(rows, start=1)]


def compact_indicator_rows(rows: list) -> list:
    """Indicator rows as stored: one list per indicator in INDICATOR_ROW order."""
    return [[row.get(key) for key in INDICATOR_ROW] if isinstance(row, dict) else row for row in rows]


class IndicatorRowsField(models.JSONField):
    """A snapshot's indicator rows: compact JSON (INDICATOR_ROW) kept as written (PostgreSQL `json`, not `jsonb`).

    A national recompute writes ~10,000 snapshots of 5–20 indicators, each with three sets of sums and NRRs.
    Stored as objects with their keys these were 16 MB of text to parse, log and index per recompute; as arrays
    they are about a quarter of that. The rows are written by the recompute as text in jsonb's canonical form
    (reporting/snapshots.py) and never queried by key, so the database only validates them instead of parsing
    them into a tree. Values written through the ORM are compacted, bound as jsonb and cast on assignment, so
    they are stored in the same canonical form. Reading gives the rows as dicts, as before."""

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        # psycopg decodes `json` itself (Django registers its text loader for `jsonb` only).
        if not isinstance(value, list | dict):
            value = super().from_db_value(value, expression, connection)
        return expand_indicator_rows(value) if isinstance(value, list) else value

    def get_prep_value(self, value):
        if isinstance(value, list):
            value = compact_indicator_rows(value)
        return super().get_prep_value(value)


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
    # The scope columns carry no row-by-row foreign-key constraint: a national recompute writes ~10,000 rows,
    # and checking five references per row at commit cost more than computing them. Snapshots are derived
    # figures, rebuilt from the scoresheets; deletes cascade (or are protected) through the ORM as before, and
    # on PostgreSQL one statement-level trigger (reporting/snapshot_integrity_sql.py) refuses any insert or
    # update whose references do not exist, with one anti-join per statement.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="snapshots",
                             db_constraint=False)
    kanwil = models.ForeignKey(Kanwil, on_delete=models.CASCADE, null=True, blank=True, related_name="snapshots",
                               db_constraint=False, db_index=False)  # Meta.indexes: only Kanwil rows have one
    # Indexed by Meta.indexes' (period, level, is_current), which every lookup by period uses.
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="snapshots", db_index=False,
                               db_constraint=False)
    # Not indexed: every reader filters by period first; only deleting a version (refused) looks it up alone.
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="snapshots",
                                db_constraint=False, db_index=False)
    service = models.ForeignKey(UnitService, on_delete=models.CASCADE, null=True, blank=True, db_constraint=False)
    revision = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    is_final = models.BooleanField(default=False)

    n_counted = models.PositiveIntegerField(default=0)
    n_flagged = models.PositiveIntegerField(default=0)  # counted responses that carry a flag
    n_rejected = models.PositiveIntegerField(default=0)  # excluded by a reviewer
    # [{"code": "SPKP1", "sum": 17, "count": 5, "nrr": "3.40", "sum_unflagged": ..., "count_unflagged": ...,
    #   "nrr_unflagged": ..., "sum_ticketed": ..., "count_ticketed": ..., "nrr_ticketed": ...}]
    indicators = IndicatorRowsField(default=list)
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
        indexes = [models.Index(fields=["period", "level", "is_current"]),
                   models.Index(fields=["kanwil"], condition=Q(kanwil__isnull=False), name="snapshot_kanwil_rows")]
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
