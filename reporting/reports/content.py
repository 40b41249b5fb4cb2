"""What the official report says: plain data read from the current snapshots, targets, flags and follow-up.

The same figures as the dashboards and the recap (they come from the same Snapshot rows); no PDF here.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext as _

from reporting import selectors
from reporting.exports.rows import RecapData, Scope, recap_data
from reporting.followups.models import Evidence
from reporting.followups.selectors import action_plan_rows
from reporting.indices import Band, Scale, category_for, converted_index, round_half_up
from reporting.models import Level
from surveys.models import localized, localized_label

MINISTRY = "Kementerian Imigrasi dan Pemasyarakatan Republik Indonesia"


def min_cell() -> int:
    """The smallest count a profile cell may show (the disclosure rule's k; cells below are "< k")."""
    return int(getattr(settings, "DISCLOSURE_MIN_CELL", 5))


@dataclass(frozen=True)
class Signatory:
    """Entered by the unit when it asks for the report: who signs, where."""

    name: str = ""
    nip: str = ""
    place: str = ""
    title: str = ""

    @classmethod
    def from_options(cls, options: dict | None) -> "Signatory":
        options = options or {}
        return cls(**{key: str(options.get(key, "")).strip() for key in ("name", "nip", "place", "title")})


@dataclass
class IndicatorLine:
    code: str
    statement: str
    nrr: Decimal | None
    ik: Decimal | None
    category: str
    count: int
    weakest: bool = False


@dataclass
class IndexSummary:
    """One instrument's headline: the figure, its category, how sure it is, and what went into it."""

    index_code: str
    index_name: str
    version: str
    scale: str
    nrr: Decimal | None
    ik: Decimal | None
    category: str
    category_label: str
    margin: Decimal | None
    n_counted: int
    n_flagged: int
    n_rejected: int
    ik_unflagged: Decimal | None
    category_unflagged: str
    target: int
    participation: Decimal | None
    indicators: list[IndicatorLine] = field(default_factory=list)

    @property
    def below_target(self) -> bool:
        return bool(self.target) and self.n_counted < self.target


@dataclass
class ProfileCell:
    label: str
    count: int | None  # None: suppressed (fewer than k)
    percent: Decimal | None


@dataclass
class Report:
    scope: Scope
    period_name: str
    starts_on: date
    ends_on: date
    finals: bool
    computed_at: datetime | None
    n_responses: int
    summaries: list[IndexSummary]
    trend: dict
    profile: list[tuple[str, list[ProfileCell]]]
    services: list[tuple[str, str, int | None]]
    plans: list[dict]
    evidence: list[dict]
    unit_rows: list[dict]  # Kanwil reports: one row per UPT with each index's n, target, IK and category
    signatory: Signatory
    issued_on: date
    min_cell: int
    ministry: str = MINISTRY

    @property
    def level_label(self) -> str:
        return {Level.UNIT: _("UPT"), Level.KANWIL: _("Kanwil"), Level.NATION: _("Nasional")}[self.scope.level]


def _percent(part: int, whole: int) -> Decimal | None:
    return round_half_up(Fraction(100 * part, whole)) if whole else None


def suppress(bands: list[tuple[str, int]], *, k: int) -> list[ProfileCell]:
    """Profile cells with counts below k hidden (shown as "< k"), so no small group can be singled out.

    The total is printed, so hidden cells could be worked out from the shown ones: while a single cell is
    hidden, or the hidden cells add up to fewer than k, the smallest shown cell is hidden too. A zero is shown
    as zero: an empty band singles out nobody.
    """
    total = sum(count for _label, count in bands)
    hidden = {i for i, (_label, count) in enumerate(bands) if 0 < count < k}

    def exposed() -> bool:
        hidden_sum = sum(bands[i][1] for i in hidden)
        return bool(hidden) and (len(hidden) == 1 or hidden_sum < k)

    while exposed():
        shown = [i for i, (_label, count) in enumerate(bands) if count > 0 and i not in hidden]
        if not shown:
            break
        hidden.add(min(shown, key=lambda i: bands[i][1]))
    return [ProfileCell(label, None, None) if i in hidden else ProfileCell(label, count, _percent(count, total))
            for i, (label, count) in enumerate(bands)]


def _indicators(snapshot, version) -> list[IndicatorLine]:
    if snapshot is None:
        return []
    scale = Scale(version.scale_min, version.scale_max)
    bands = [Band.from_dict(b) for b in version.bands]
    statements = {i.code: localized(i, "statement") for i in version.indicators.all()}
    lines = []
    for row in snapshot.indicators:
        count = row.get("count", 0)
        exact = Fraction(row["sum"], count) if count else None
        ik = round_half_up(converted_index(exact, scale)) if exact is not None else None
        lines.append(IndicatorLine(row["code"], statements.get(row["code"], ""),
                                   round_half_up(exact) if exact is not None else None, ik,
                                   category_for(ik, bands), count))
    scored = [line for line in lines if line.nrr is not None]
    if scored:
        min(scored, key=lambda line: line.nrr).weakest = True
    return lines


def _summaries(data: RecapData) -> list[IndexSummary]:
    summaries = []
    for table in data.tables:
        version, snap = table.version, table.total
        n = snap.n_counted if snap else 0
        summaries.append(IndexSummary(
            index_code=version.instrument.index_code,
            index_name=version.instrument.index_name,
            version=f"{version.instrument.code} v{version.number}",
            scale=f"{version.scale_min}–{version.scale_max}",
            nrr=snap.nrr if snap else None,
            ik=snap.ik if snap else None,
            category=snap.category if snap else "",
            category_label=selectors.band_label(version, snap.category) if snap and snap.category else "",
            margin=getattr(snap, "ik_margin_95", None) if snap else None,
            n_counted=n,
            n_flagged=snap.n_flagged if snap else 0,
            n_rejected=snap.n_rejected if snap else 0,
            ik_unflagged=snap.ik_unflagged if snap else None,
            category_unflagged=snap.category_unflagged if snap else "",
            target=table.total_target,
            participation=_percent(n, table.total_target),
            indicators=_indicators(snap, version),
        ))
    return summaries


def _unit_rows(data: RecapData) -> list[dict]:
    if data.scope.level == Level.UNIT:
        return []
    rows: dict[int, dict] = {}
    for table in data.tables:
        for line in table.lines:
            row = rows.setdefault(line.unit.pk, {"unit": line.unit.name, "target": line.target, "figures": []})
            snap = line.snapshot
            row["figures"].append({
                "index": table.version.instrument.index_code, "n": snap.n_counted if snap else 0,
                "ik": snap.ik if snap else None, "category": snap.category if snap else "",
                "margin": getattr(snap, "ik_margin_95", None) if snap else None,
                "below_target": bool(line.target) and (snap.n_counted if snap else 0) < line.target,
            })
    return list(rows.values())


def _services(data: RecapData, *, k: int) -> list[tuple[str, str, int | None]]:
    """Counted responses per service type (UPT reports only), suppressed below k."""
    if data.scope.level != Level.UNIT:
        return []
    counts: dict[str, int] = {}
    for line in data.services:
        counts[line.service_name] = max(counts.get(line.service_name, 0), line.snapshot.n_counted)
    return [(name, "", None if 0 < n < k else n) for name, n in sorted(counts.items())]


def evidence_rows(period, units) -> list[dict]:
    """The follow-up evidence files of the period's plans, with their dates (listed, not embedded)."""
    rows = (Evidence.objects.filter(plan__period=period, plan__unit__in=units)
            .select_related("plan__unit", "plan__version__instrument")
            .order_by("plan__unit__name", "plan__indicator_code", "uploaded_at"))
    return [{"unit": e.plan.unit.name, "index": e.plan.version.instrument.index_code,
             "indicator": e.plan.indicator_code, "name": e.original_name, "description": e.description,
             "uploaded_at": e.uploaded_at} for e in rows]


def _restricted(summaries: list[IndexSummary]) -> list[IndexSummary]:
    """For a reader of the unit being rated (responses.disclosure): an index from fewer than k counted
    responses is not shown (with one or two respondents the indicator means are their answers), and small
    flag and rejection counts read "< k", as on the dashboard."""
    from dataclasses import replace

    from responses.disclosure import cell, is_small

    shown = []
    for s in summaries:
        if is_small(s.n_counted):
            s = replace(s, nrr=None, ik=None, category="", category_label="", margin=None, ik_unflagged=None,
                        category_unflagged="", indicators=[])
        shown.append(replace(s, n_flagged=cell(s.n_flagged), n_rejected=cell(s.n_rejected)))
    return shown


def build_report(scope: Scope, period, *, signatory: Signatory, today: date, restricted: bool = False) -> Report:
    data = recap_data(scope, period)
    k = min_cell()
    unit = scope.unit if scope.level == Level.UNIT else None
    kanwil = scope.kanwil if scope.level == Level.KANWIL else None
    return Report(
        scope=scope,
        period_name=period.name,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        finals=data.finals,
        computed_at=data.computed_at,
        n_responses=data.n_responses,
        summaries=_restricted(_summaries(data)) if restricted else _summaries(data),
        trend=selectors.trend(level=scope.level, kanwil=kanwil, unit=unit, until=period),
        profile=[(aspect, suppress(bands, k=k)) for aspect, bands in data.demographics],
        services=_services(data, k=k),
        plans=list(action_plan_rows(period, scope.units(), today=today)),
        evidence=evidence_rows(period, scope.units()),
        unit_rows=_unit_rows(data),
        signatory=signatory,
        issued_on=today,
        min_cell=k,
    )


def band_legend(period) -> list[tuple[str, Decimal, Decimal, str]]:
    """The categories of the period's first instrument: code, IK from, IK to, label."""
    versions = period.versions_in_order()
    bands = versions[0].bands if versions else []
    return [(b["code"], Decimal(str(b["min"])), Decimal(str(b["max"])), localized_label(b)) for b in bands]
