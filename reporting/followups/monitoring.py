"""Follow-up monitoring per UPT: every unit in scope with what it recorded for a closed period's results.

A unit with no plan is listed too ("no plan recorded"), so a UPT that did nothing is never invisible.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from surveys.models import Period, Unit

from .models import ActionPlan

NO_PLAN = "none"
UNIT_STATUS_LABELS = {
    NO_PLAN: _("Belum ada rencana"),
    "overdue": _("Ada yang terlambat"),
    "in_progress": _("Berjalan"),
    "planned": _("Direncanakan"),
    "done": _("Semua selesai"),
}


@dataclass
class UnitFollowUp:
    unit: Unit
    planned: int = 0  # not started, deadline not passed
    in_progress: int = 0  # started, deadline not passed
    done: int = 0
    overdue: int = 0  # not done and past the deadline

    @property
    def total(self) -> int:
        return self.planned + self.in_progress + self.done + self.overdue

    @property
    def status_key(self) -> str:
        """The unit's state in one word: no plan, any overdue, any started, only planned, or all done."""
        if not self.total:
            return NO_PLAN
        if self.overdue:
            return "overdue"
        if self.in_progress:
            return "in_progress"
        if self.planned:
            return "planned"
        return "done"

    @property
    def status_label(self) -> str:
        return str(UNIT_STATUS_LABELS[self.status_key])


def monitoring_period(chosen: Period | None) -> Period | None:
    """The closed period the per-unit table is about: the chosen one when it is closed, else the latest closed."""
    if chosen is not None and chosen.status == Period.Status.CLOSED:
        return chosen
    return Period.objects.filter(status=Period.Status.CLOSED).order_by("-starts_on").first()


def unit_follow_ups(user, period: Period, *, today: date, kanwil=None, unit=None,
                    only_missing: bool = False) -> list[UnitFollowUp]:
    """Every active unit the user sees (narrowed to a Kanwil or one unit) with its plans for `period` counted
    by status on `today`; with only_missing, just the units that recorded none."""
    units = Unit.objects.visible_to(user).active().select_related("kanwil")
    if kanwil is not None:
        units = units.filter(kanwil=kanwil)
    if unit is not None:
        units = units.filter(pk=unit.pk)
    late = Q(deadline__lt=today) & ~Q(status=ActionPlan.Status.DONE)
    counts = {
        row["unit"]: row
        for row in ActionPlan.objects.filter(period=period, unit__in=units).values("unit").annotate(
            planned=Count("pk", filter=Q(status=ActionPlan.Status.PLANNED) & ~late),
            in_progress=Count("pk", filter=Q(status=ActionPlan.Status.IN_PROGRESS) & ~late),
            done=Count("pk", filter=Q(status=ActionPlan.Status.DONE)),
            overdue=Count("pk", filter=late),
        ).order_by()
    }
    rows = []
    for u in units.order_by("kanwil__name", "name"):
        row = counts.get(u.pk, {})
        follow_up = UnitFollowUp(u, row.get("planned", 0), row.get("in_progress", 0), row.get("done", 0),
                                 row.get("overdue", 0))
        if not only_missing or not follow_up.total:
            rows.append(follow_up)
    return rows
