"""Reads for follow-up pages: the problem inventory, indicator movement, the period checklist, public figures."""
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Sum, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting import uncertainty
from reporting.models import Level, Snapshot
from reporting.selectors import suggestions
from responses.disclosure import is_small, min_cell
from responses.models import Response, Scoresheet
from surveys.models import AccessPoint, InstrumentVersion, Period, Target, Unit, localized

from .inventory import (
    BELOW_TARGET,
    LOW_CATEGORY,
    WEAKEST,
    IndicatorScore,
    InventoryItem,
    indicators_needing_action,
    target_on_scale,
)
from .models import ActionPlan, FollowUpTarget

REASON_LABELS = {
    BELOW_TARGET: _("di bawah target"),
    LOW_CATEGORY: _("kategori C/D"),
    WEAKEST: _("tiga terlemah"),
}
STATUS_LABELS = {**dict(ActionPlan.Status.choices), "overdue": _("Terlambat")}


# --------------------------------------------------------------------------- snapshots and targets
def unit_snapshot(unit: Unit, period: Period, version: InstrumentVersion) -> Snapshot | None:
    """The unit's all-services figure: the final one when the period is closed, else the current one."""
    return (
        Snapshot.objects.filter(level=Level.UNIT, unit=unit, period=period, version=version, service=None)
        .filter(Q(is_final=True) | Q(is_current=True))
        .order_by("-is_final", "-revision")
        .first()
    )


def indicator_scores(snapshot: Snapshot) -> list[IndicatorScore]:
    """Exact means from the snapshot's integer sums; indicators nobody answered are left out."""
    scores = []
    for position, row in enumerate(snapshot.indicators, start=1):
        if row.get("count"):
            scores.append(IndicatorScore(row["code"], position, Fraction(int(row["sum"]), int(row["count"]))))
    return scores


def target_for(version: InstrumentVersion, period: Period) -> Decimal:
    """The period's own target row, else the standing one, else the setting mapped onto the scale."""
    rows = {
        row.period_id: row.target_nrr
        for row in FollowUpTarget.objects.filter(instrument_id=version.instrument_id).filter(
            Q(period=period) | Q(period=None)
        )
    }
    if period.pk in rows:
        return rows[period.pk]
    if None in rows:
        return rows[None]
    return target_on_scale(
        Decimal(settings.FOLLOWUP_DEFAULT_TARGET_NRR), scale_min=version.scale_min, scale_max=version.scale_max
    )


# --------------------------------------------------------------------------- inventory
@dataclass
class InventoryRow:
    item: InventoryItem
    statement: str
    reasons: list[str]
    plans: list[ActionPlan] = field(default_factory=list)


@dataclass
class InventorySection:
    version: InstrumentVersion
    snapshot: Snapshot | None
    target: Decimal
    rows: list[InventoryRow]
    other_plans: list[ActionPlan]  # plans for indicators that are not (or no longer) in the list

    @property
    def index_name(self) -> str:
        return localized(self.version.instrument, "index_name")


def with_display_status(plans: Iterable[ActionPlan], today: date) -> list[ActionPlan]:
    """Sets `display_status` (overdue computed on `today`) and its label on each plan."""
    plans = list(plans)
    for plan in plans:
        plan.display_status = plan.status_key(today)
        plan.display_label = STATUS_LABELS[plan.display_status]
    return plans


def inventory(unit: Unit, period: Period, *, today: date | None = None) -> list[InventorySection]:
    """Per instrument of the period: indicators needing action (weakest first) with the plans recorded."""
    plans = with_display_status(
        ActionPlan.objects.filter(unit=unit, period=period).prefetch_related("evidence").order_by("deadline", "pk"),
        today or timezone.localdate(),
    )
    sections = []
    for version in period.versions_in_order():
        statements = {i.code: localized(i, "statement") for i in version.indicators.all()}
        snapshot = unit_snapshot(unit, period, version)
        target = target_for(version, period)
        items = []
        if snapshot is not None:
            items = indicators_needing_action(
                indicator_scores(snapshot),
                target=target,
                bands=version.bands,
                scale_min=version.scale_min,
                scale_max=version.scale_max,
                weakest=settings.FOLLOWUP_WEAKEST_COUNT,
            )
        version_plans = [p for p in plans if p.version_id == version.pk]
        rows = [
            InventoryRow(
                item=item,
                statement=statements.get(item.code, ""),
                reasons=[str(REASON_LABELS[r]) for r in item.reasons],
                plans=[p for p in version_plans if p.indicator_code == item.code],
            )
            for item in items
        ]
        listed = {item.code for item in items}
        other = [p for p in version_plans if p.indicator_code not in listed]
        sections.append(InventorySection(version, snapshot, target, rows, other))
    return sections


def follow_up_recorded(unit: Unit, period: Period) -> tuple[int, int]:
    """(items with at least one plan, items needing action) for the unit and period."""
    rows = [row for section in inventory(unit, period) for row in section.rows]
    return sum(1 for row in rows if row.plans), len(rows)


def indicator_score(snapshot: Snapshot | None, code: str) -> Decimal | None:
    if snapshot is None:
        return None
    for row in snapshot.indicators:
        if row.get("code") == code and row.get("count"):
            return Decimal(str(row["nrr"]))
    return None


# --------------------------------------------------------------------------- periods
def next_period(period: Period) -> Period | None:
    return (
        Period.objects.filter(programme=period.programme, starts_on__gt=period.starts_on).order_by("starts_on").first()
    )


def previous_closed_period(period: Period) -> Period | None:
    return (
        Period.objects.filter(
            programme=period.programme, starts_on__lt=period.starts_on, status=Period.Status.CLOSED
        )
        .order_by("-starts_on")
        .first()
    )


def periods_with_results(unit: Unit) -> list[Period]:
    """Periods for which the unit has figures or plans, newest first."""
    ids = set(Snapshot.objects.filter(level=Level.UNIT, unit=unit).values_list("period_id", flat=True))
    ids |= set(ActionPlan.objects.filter(unit=unit).values_list("period_id", flat=True))
    return list(Period.objects.filter(pk__in=ids).order_by("-starts_on"))


# --------------------------------------------------------------------------- movement
@dataclass
class Movement:
    """One planned indicator: its score when planned, in the next period, and whether it moved by more than its
    uncertainty (`change`, from the exact n, Σs, Σs² of the indicator's counted answers in both periods).
    `hidden`: a UPT reader with fewer than k answers in a period sees neither mean nor change ("< k")."""

    plan: ActionPlan
    statement: str
    before: Decimal | None
    after: Decimal | None
    next_period: Period | None
    change: uncertainty.MeanChange | None = None
    n_before: int = 0
    n_after: int = 0
    hidden: bool = False

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def hidden_label(self) -> str:
        return f"< {min_cell()}"

    @property
    def change_text(self) -> str:
        """ "naik, bermakna", "naik, dalam batas kesalahan", "turun, …" or "tetap"; '' without a test."""
        return movement_text(self.change)


def movement_text(moved: uncertainty.MeanChange | None) -> str:
    if moved is None:
        return ""
    if moved.direction == "same":
        return str(_("tetap"))
    word = _("naik") if moved.direction == "up" else _("turun")
    if moved.significant:
        return str(_("%(word)s, bermakna") % {"word": word})
    return str(_("%(word)s, dalam batas kesalahan") % {"word": word})


def indicator_moments(unit: Unit, sides: list[tuple[Period, InstrumentVersion, str]]) -> dict[int, uncertainty.Moments]:
    """n, Σs and Σs² of one indicator's scores per period (counted answers only, as the index counts them:
    accepted, not rejected), for each (period, version, indicator code): one aggregate query."""
    whens, scope = [], Q()
    for period, version, code in sides:
        position = version.indicators.filter(code=code).values_list("position", flat=True).first()
        if position is None:
            continue
        whens.append(When(period_id=period.pk, version_id=version.pk, then=F(f"score_{position}")))
        scope |= Q(period_id=period.pk, version_id=version.pk)
    if not whens:
        return {}
    score = Cast(Case(*whens, default=None, output_field=IntegerField()), IntegerField())
    rows = (Scoresheet.objects.filter(scope, unit=unit, status=Response.Status.ACCEPTED).order_by()
            .values("period_id").annotate(n=Count(score), total=Sum(score), squares=Sum(score * score)))
    return {r["period_id"]: uncertainty.Moments(r["n"], int(r["total"] or 0), int(r["squares"] or 0)) for r in rows}


def _population(snapshot: Snapshot | None) -> int | None:
    return snapshot.ik_population if snapshot is not None else None


def indicator_movements(unit: Unit, period: Period, *, restricted: bool = False) -> list[Movement]:
    """For each indicator planned in `period`: its score then and in the next period (same instrument), and
    Welch's test of the change (docs/uncertainty.md). `restricted`: a UPT officer's view (responses.disclosure)."""
    plans = list(ActionPlan.objects.filter(unit=unit, period=period).select_related("version__instrument"))
    following = next_period(period)
    seen, movements = set(), []
    for plan in plans:
        key = (plan.version_id, plan.indicator_code)
        if key in seen:
            continue
        seen.add(key)
        after, version, after_snapshot = None, None, None
        sides = [(period, plan.version, plan.indicator_code)]
        if following is not None:
            version = following.instrument_versions.filter(instrument_id=plan.version.instrument_id).first()
            if version is not None:
                after_snapshot = unit_snapshot(unit, following, version)
                after = indicator_score(after_snapshot, plan.indicator_code)
                sides.append((following, version, plan.indicator_code))
        moments = indicator_moments(unit, sides)
        first = moments.get(period.pk, uncertainty.Moments())
        second = moments.get(following.pk, uncertainty.Moments()) if version is not None else uncertainty.Moments()
        moved = None
        if after is not None:
            moved = uncertainty.mean_change(first, second, populations=(
                _population(unit_snapshot(unit, period, plan.version)), _population(after_snapshot)))
        movement = Movement(plan, indicator_statement(plan.version, plan.indicator_code), plan.score, after,
                            following, moved, first.n, second.n)
        if restricted and (is_small(first.n) or is_small(second.n)):
            movement.hidden, movement.change = True, None
            movement.before = None if is_small(first.n) else movement.before
            movement.after = None if is_small(second.n) else movement.after
        movements.append(movement)
    return movements


def movements_into(unit: Unit, period: Period, *, restricted: bool = False) -> tuple[Period | None, list[Movement]]:
    """For a dashboard of `period`: the period before it and how the indicators planned there moved."""
    previous = (
        Period.objects.filter(programme=period.programme, starts_on__lt=period.starts_on).order_by("-starts_on").first()
    )
    return previous, indicator_movements(unit, previous, restricted=restricted) if previous is not None else []


# --------------------------------------------------------------------------- checklist
@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool | None  # None: not applicable yet
    detail: str
    url: str = ""


def _local_day_bounds(now: datetime) -> tuple[datetime, datetime]:
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    return start, start + timedelta(days=1)


def period_checklist(unit: Unit, period: Period | None, *, now: datetime | None = None) -> list[ChecklistItem]:
    """The period's to-do list for a UPT, each item ticked from data (never by hand)."""
    now = now or timezone.now()
    items = []
    services = list(unit.services.active().values_list("pk", flat=True))
    with_target = (
        Target.objects.filter(period=period, service_id__in=services).count() if period is not None else 0
    )
    items.append(
        ChecklistItem(
            "targets",
            str(_("Target sampel diisi untuk setiap jenis layanan")),
            bool(services) and with_target == len(services),
            str(_("%(done)d dari %(total)d layanan") % {"done": with_target, "total": len(services)}),
        )
    )
    enabled = AccessPoint.objects.filter(unit=unit, enabled=True).count()
    items.append(
        ChecklistItem(
            "access_points",
            str(_("Titik akses (poster QR, kios) aktif")),
            enabled > 0,
            str(_("%(count)d titik akses aktif") % {"count": enabled}),
        )
    )
    start, end = _local_day_bounds(now)
    today = Response.objects.filter(unit=unit, created_at__gte=start, created_at__lt=end).count()
    items.append(
        ChecklistItem(
            "responses_today",
            str(_("Jawaban responden masuk hari ini")),
            today > 0 if period is not None and period.status == Period.Status.OPEN else None,
            str(_("%(count)d jawaban hari ini") % {"count": today}),
        )
    )
    previous = None
    if period is not None:
        previous = period if period.status == Period.Status.CLOSED else previous_closed_period(period)
    if previous is None:
        items.append(ChecklistItem("follow_up", str(_("Tindak lanjut hasil periode sebelumnya dicatat")), None,
                                   str(_("Belum ada periode yang ditutup"))))
    else:
        planned, needed = follow_up_recorded(unit, previous)
        url = reverse("followup_unit", args=[unit.code]) + f"?periode={previous.pk}"
        if needed == 0:
            detail = str(_("Hasil %(period)s belum tersedia") % {"period": previous.name})
            done = None
        else:
            detail = str(
                _("%(done)d dari %(total)d indikator %(period)s sudah punya rencana")
                % {"done": planned, "total": needed, "period": previous.name}
            )
            done = planned == needed
        items.append(
            ChecklistItem("follow_up", str(_("Tindak lanjut hasil periode sebelumnya dicatat")), done, detail, url)
        )
    return items


# --------------------------------------------------------------------------- suggestions
def unit_suggestions(unit: Unit, period: Period, *, batched: bool = False):
    """Respondents' written suggestions (saran) for the unit in the period, newest first; `batched`: only
    those released to the unit (responses.disclosure)."""
    return suggestions(unit, period, batched=batched).prefetch_related(
        Prefetch("action_plans", queryset=ActionPlan.objects.only("pk", "indicator_code"))
    )


# --------------------------------------------------------------------------- monitoring
def monitoring_plans(user, *, today: date, period=None, kanwil=None, unit=None, status="", instrument=None):
    """Plans in the user's scope, filtered; `status` may be "overdue" (computed from the deadline)."""
    plans = (
        ActionPlan.objects.visible_to(user)
        .select_related("unit__kanwil", "period", "version__instrument")
        .annotate(evidence_count=Count("evidence", distinct=True), comment_count=Count("comments", distinct=True))
    )
    if period is not None:
        plans = plans.filter(period=period)
    if kanwil is not None:
        plans = plans.filter(unit__kanwil=kanwil)
    if unit is not None:
        plans = plans.filter(unit=unit)
    if instrument is not None:
        plans = plans.filter(version__instrument=instrument)
    if status == "overdue":
        plans = plans.overdue(today)
    elif status:
        plans = plans.filter(status=status).not_overdue(today)
    return plans.order_by("deadline", "unit__name", "pk")


# --------------------------------------------------------------------------- recap sheet
def action_plan_rows(period: Period, units: Iterable[Unit], *, today: date | None = None) -> Iterator[dict]:
    """Plain rows for the recap workbook's follow-up sheet, one dict per action plan (no workbook here)."""
    today = today or timezone.localdate()
    plans = (
        ActionPlan.objects.filter(period=period, unit__in=list(units))
        .select_related("unit__kanwil", "version__instrument")
        .prefetch_related("evidence", "suggestions")
        .order_by("unit__kanwil__name", "unit__name", "version__instrument__position", "indicator_code", "pk")
    )
    for plan in plans:
        key = plan.status_key(today)
        yield {
            "kanwil": plan.unit.kanwil.name,
            "unit_code": plan.unit.code,
            "unit": plan.unit.name,
            "period": period.name,
            "instrument": plan.version.instrument.code,
            "index": plan.version.instrument.index_code,
            "indicator": plan.indicator_code,
            "score": plan.score,
            "problem": plan.problem,
            "cause": plan.cause,
            "action": plan.action,
            "person_in_charge": plan.person_in_charge,
            "deadline": plan.deadline,
            "status": key,
            "status_label": str(STATUS_LABELS[key]),
            "overdue": key == "overdue",
            "done_on": plan.done_on,
            "evidence_count": len(plan.evidence.all()),
            "suggestion_count": len(plan.suggestions.all()),
            "public": plan.is_public,
        }


def indicator_statement(version: InstrumentVersion, code: str) -> str:
    indicator = version.indicators.filter(code=code).first()
    return localized(indicator, "statement") if indicator is not None else ""
