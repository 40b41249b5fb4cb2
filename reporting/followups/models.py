"""Follow-up rows: index targets, action plans (rencana tindak lanjut), their evidence and Kanwil comments."""
import uuid
from datetime import date
from pathlib import PurePath

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from responses.models import Response
from surveys.models import Instrument, InstrumentVersion, Period, Unit


class FollowUpTarget(models.Model):
    """The target NRR (index on the instrument's scale) below which an indicator needs action.

    Zona Integritas targets (e.g. IPAK/IPKP ≥ 3.60 on 1–4) change by year, so they are rows, not constants:
    a row with a period applies to that period, a row without one to every period lacking its own.
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="+", verbose_name=_("instrumen"))
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("periode")
    )
    target_nrr = models.DecimalField(_("target NRR"), max_digits=5, decimal_places=2)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "period"], nulls_distinct=False, name="followup_target_once_per_period"
            ),
            models.CheckConstraint(name="followup_target_positive", condition=Q(target_nrr__gt=0)),
        ]
        verbose_name = _("target indeks")
        verbose_name_plural = _("target indeks")


class ActionPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(unit__in=Unit.objects.visible_to(user))

    def overdue(self, today: date):
        """Not done and past the deadline on `today` (the unit's local date)."""
        return self.exclude(status=ActionPlan.Status.DONE).filter(deadline__lt=today)

    def not_overdue(self, today: date):
        return self.filter(Q(status=ActionPlan.Status.DONE) | Q(deadline__gte=today))

    def public(self):
        """Items the unit chose to publish, of closed periods only (the public results page)."""
        return self.filter(is_public=True, period__status=Period.Status.CLOSED)


class ActionPlan(models.Model):
    """One action (rencana tindak lanjut) a UPT records for an indicator of a period's results.

    `score` keeps the indicator's NRR as it stood when the plan was written, so the next period can show
    how the indicator moved even if the snapshot is later revised. Overdue is not stored: it is computed
    from the deadline and the status on the day the plan is read.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Direncanakan")
        IN_PROGRESS = "in_progress", _("Sedang berjalan")
        DONE = "done", _("Selesai")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="action_plans", verbose_name=_("UPT"))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="action_plans", verbose_name=_("periode"))
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    indicator_code = models.CharField(_("indikator"), max_length=20)
    score = models.DecimalField(_("nilai saat direncanakan"), max_digits=6, decimal_places=2, null=True, blank=True)
    problem = models.TextField(_("masalah yang ditemukan"), max_length=2000)
    cause = models.TextField(_("penyebab"), max_length=2000)
    action = models.TextField(_("rencana tindak lanjut"), max_length=2000)
    person_in_charge = models.CharField(_("penanggung jawab"), max_length=150)
    deadline = models.DateField(_("tenggat"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    is_public = models.BooleanField(_("tampilkan di halaman hasil publik"), default=False)
    suggestions = models.ManyToManyField(
        Response, blank=True, related_name="action_plans", verbose_name=_("saran responden yang dijawab")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["unit", "period"]), models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                name="action_plan_status_valid", condition=Q(status__in=["planned", "in_progress", "done"])
            ),
            models.CheckConstraint(
                name="action_plan_done_has_date",
                condition=Q(status="done", done_on__isnull=False) | (~Q(status="done") & Q(done_on__isnull=True)),
            ),
        ]
        verbose_name = _("rencana tindak lanjut")
        verbose_name_plural = _("rencana tindak lanjut")

    def __str__(self):
        return f"{self.unit} · {self.period} · {self.indicator_code}"

    def is_overdue(self, today: date) -> bool:
        return self.status != self.Status.DONE and self.deadline < today

    def status_key(self, today: date) -> str:
        """The status shown to users: the stored one, or "overdue" when it is late."""
        return "overdue" if self.is_overdue(today) else self.status


def evidence_path(evidence: "Evidence", filename: str) -> str:
    # A random name: the original one is kept in a column and never used as a path.
    suffix = PurePath(filename).suffix.lower()
    return f"followups/evidence/{evidence.plan.unit_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file proving an action was taken (photo, signed minutes). Served only by a scoped view."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("nama berkas"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    description = models.CharField(_("keterangan"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("bukti")
        verbose_name_plural = _("bukti")


class PlanComment(models.Model):
    """A note on an action plan, mostly from the Kanwil monitoring its units."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("komentar"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("komentar")
        verbose_name_plural = _("komentar")


auditlog.register(ActionPlan, m2m_fields={"suggestions"})
auditlog.register(FollowUpTarget)

__all__ = ["ActionPlan", "Evidence", "FollowUpTarget", "PlanComment"]
