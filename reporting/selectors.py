"""Reads for the dashboards: current snapshots, participation against target, access points, suggestions.

Kanwil and national pages read only Snapshot and Target rows (a few hundred), never the responses, so they
stay fast with millions of responses; the UPT page counts its own unit's responses live.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from responses.models import Channel, Response
from surveys.models import AccessPoint, InstrumentVersion, Kanwil, Period, Target, Unit, localized, localized_label

from . import uncertainty
from .free_text import text_answers
from .indices import Scale
from .models import Level, Snapshot
from .participation import daily_series, days_left, needed_path, pace_needed
from .precision import precision_of

TREND_PERIODS = 6


# --------------------------------------------------------------------------- periods and snapshots
def periods():
    return Period.objects.order_by("-starts_on")


def current_snapshots(*, period: Period | None = None, level: str | None = None, unit: Unit | None = None,
                      kanwil: Kanwil | None = None, all_services: bool = False, user=None):
    """Current (latest revision) snapshots, optionally narrowed; service-level rows only with all_services."""
    qs = Snapshot.objects.current().select_related("version__instrument", "period", "unit", "kanwil", "service")
    if user is not None:
        qs = qs.visible_to(user)
    if period is not None:
        qs = qs.filter(period=period)
    if level is not None:
        qs = qs.filter(level=level)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if kanwil is not None:
        qs = qs.filter(kanwil=kanwil)
    if not all_services:
        qs = qs.filter(service=None)
    return qs.order_by("version__instrument__position", "-version__number")


def band_label(version: InstrumentVersion, code: str) -> str:
    """The category's label (e.g. "Baik") in the active language, from the version's bands."""
    for band in version.bands:
        if band.get("code") == code:
            return localized_label(band)
    return ""


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- index figures
def as_decimal(value) -> Decimal | None:
    """A figure stored as text in a snapshot's JSON ("3.40") as a Decimal, so templates format it for the
    reader's language like every other number."""
    return None if value in (None, "") else Decimal(str(value))


@dataclass
class IndicatorRow:
    code: str
    statement: str
    nrr: Decimal | None
    nrr_unflagged: Decimal | None
    count: int
    weakest: bool = False


@dataclass
class IndexFigure:
    """One index (IPAK or IPKP) of one scope as a dashboard shows it."""

    version: InstrumentVersion
    snapshot: Snapshot | None
    below_target: bool = False
    category_label: str = ""
    category_label_unflagged: str = ""
    category_label_ticketed: str = ""
    indicators: list[IndicatorRow] = field(default_factory=list)
    suppressed: object = None  # responses.disclosure.Suppressed for a UPT reader of a small unit (restricted.py)
    ticketed_suppressed: object = None  # the same for the ticket-verified figure alone

    @property
    def chart_id(self) -> str:
        return f"chart-ind-{self.version.pk}"

    @property
    def precision_margin(self) -> float:
        from django.conf import settings

        return settings.PRECISION_TARGET_MARGIN

    @property
    def precision_target(self) -> int | None:
        """Responses needed for a 95 % margin of ± PRECISION_TARGET_MARGIN IK points, given the observed
        spread (and the population, when known); None before two responses or with no spread."""
        if self.snapshot is None:
            return None
        return precision_of(self.snapshot, self.version).needed

    @property
    def chart(self) -> dict:
        return {
            "type": "bar",
            "labels": [r.code for r in self.indicators],
            "values": [float(r.nrr) if r.nrr is not None else None for r in self.indicators],
            "highlight": [r.weakest for r in self.indicators],
            "min": self.version.scale_min,
            "max": self.version.scale_max,
        }


def index_figures(period: Period, snapshots, *, below_target: bool = False) -> list[IndexFigure]:
    """One figure per instrument version of the period (empty when nothing was counted)."""
    by_version = {s.version_id: s for s in snapshots}
    figures = []
    for version in period.versions_in_order():
        snapshot = by_version.get(version.pk)
        figure = IndexFigure(version=version, snapshot=snapshot, below_target=below_target)
        if snapshot is not None:
            figure.category_label = band_label(version, snapshot.category)
            figure.category_label_unflagged = band_label(version, snapshot.category_unflagged)
            figure.category_label_ticketed = band_label(version, snapshot.category_ticketed)
            statements = {i.code: localized(i, "statement") for i in version.indicators.all()}
            rows = [IndicatorRow(r["code"], statements.get(r["code"], ""), as_decimal(r.get("nrr")),
                                 as_decimal(r.get("nrr_unflagged")), r.get("count", 0)) for r in snapshot.indicators]
            scored = [r for r in rows if r.nrr is not None]
            if scored:
                min(scored, key=lambda r: r.nrr).weakest = True
            figure.indicators = rows
        figures.append(figure)
    return figures


def trend(*, level: str, kanwil: Kanwil | None = None, unit: Unit | None = None, until: Period,
          min_n: int = 0) -> dict:
    """Index per instrument over the last periods up to `until`, as table rows and chart data; an index from
    fewer than `min_n` counted responses is left out (a UPT reader, responses.disclosure)."""
    recent = list(Period.objects.filter(starts_on__lte=until.starts_on).order_by("-starts_on")[:TREND_PERIODS])
    recent.reverse()
    snaps = Snapshot.objects.current().filter(period__in=recent, level=level, kanwil=kanwil, unit=unit, service=None)
    values: dict[tuple[int, str], Decimal] = {}
    by_key: dict[tuple[int, str], Snapshot] = {}
    instruments: dict[str, str] = {}
    for s in snaps.select_related("version__instrument").order_by("version__instrument__position"):
        code = s.version.instrument.index_code
        instruments.setdefault(code, code)
        if s.n_counted >= min_n:
            values.setdefault((s.period_id, code), s.nrr)
            by_key.setdefault((s.period_id, code), s)
    rows = [{"period": p, "values": [values.get((p.pk, code)) for code in instruments],
             "changes": [change_text(by_key.get((before.pk, code)), by_key.get((p.pk, code)))
                         for code in instruments] if before is not None else [""] * len(instruments)}
            for before, p in zip([None, *recent[:-1]], recent, strict=True)]
    for row in rows:
        row["cells"] = [{"value": v, "change": c} for v, c in zip(row["values"], row["changes"], strict=True)]
    return {
        "instruments": list(instruments),
        "rows": rows,
        "chart": {
            "type": "line",
            "labels": [p.name for p in recent],
            "series": [{"label": code, "values": [float(v) if v is not None else None for v in
                                                  (values.get((p.pk, code)) for p in recent)]}
                       for code in instruments],
        },
    }


def change_text(before: Snapshot | None, after: Snapshot | None) -> str:
    """ "naik, bermakna" or "naik, dalam batas kesalahan": the IK's change against its uncertainty
    (Welch's z on the two IK means, |z| ≥ 1,96; reporting/uncertainty.py). '' when either side lacks an SE."""
    if before is None or after is None or before.ik_se is None or after.ik_se is None:
        return ""
    if before.version_id != after.version_id:
        return _("versi instrumen berbeda: tidak dibandingkan")
    moved = uncertainty.change((Fraction(before.ik), float(before.ik_se)), (Fraction(after.ik), float(after.ik_se)))
    if moved is None:
        return ""
    if moved.direction == "same":
        return _("tetap")
    word = _("naik") if moved.direction == "up" else _("turun")
    points = number_format(Decimal(abs(moved.difference)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), 2)
    if moved.significant:
        return _("%(word)s %(points)s poin IK, bermakna") % {"word": word, "points": points}
    return _("%(word)s %(points)s poin IK, dalam batas kesalahan") % {"word": word, "points": points}


# --------------------------------------------------------------------------- targets
def targets_by_unit(period: Period, units) -> dict[int, int]:
    rows = (Target.objects.filter(period=period, service__unit__in=units).values("service__unit")
            .annotate(total=Sum(Coalesce("adjusted_target", "sample_target"))))
    return {r["service__unit"]: r["total"] or 0 for r in rows}


# --------------------------------------------------------------------------- UPT page
@dataclass
class ServiceRow:
    service: object
    target: int
    responses: int
    participation: Decimal | None
    below_target: bool
    indices: list


def unit_participation(unit: Unit, period: Period, *, today: date) -> dict:
    counted = Response.objects.filter(unit=unit, period=period).counted()
    by_service = dict(counted.values_list("service").annotate(n=Count("pk")).values_list("service", "n"))
    targets = {t.service_id: t.effective_target for t in Target.objects.filter(period=period, service__unit=unit)}
    service_snaps: dict[int, dict[int, Snapshot]] = {}
    for s in current_snapshots(period=period, level=Level.UNIT, unit=unit, all_services=True).exclude(service=None):
        service_snaps.setdefault(s.service_id, {})[s.version_id] = s
    versions = period.versions_in_order()
    services = []
    for service in unit.services.order_by("name"):
        n, target = by_service.get(service.pk, 0), targets.get(service.pk, 0)
        if not service.active and not n:
            continue
        snaps = service_snaps.get(service.pk, {})
        services.append(ServiceRow(service, target, n, percent(n, target), bool(target) and n < target,
                                   [snaps.get(v.pk) for v in versions]))
    total, target = sum(by_service.values()), sum(targets.values())
    return {
        "services": services,
        "versions": versions,
        "total": total,
        "target": target,
        "participation": percent(total, target),
        "below_target": bool(target) and total < target,
        "today": counted.filter(created_at__date=today).count(),
        **daily_participation(counted, period, target=target, today=today),
    }


def daily_participation(counted, period: Period, *, target: int, today: date) -> dict:
    """Every day of the period so far (zeros included) with its running total, and while the period is open
    the pace needed from today to reach `target` by the closing date; as table rows and chart data."""
    counts = {r["day"]: r["n"] for r in counted.annotate(day=TruncDate("created_at")).values("day")
              .annotate(n=Count("pk")).order_by()}
    # Responses outside the dates (a period opened early or closed late by hand) still get their day.
    start = min([period.starts_on, *counts])
    until = max([min(today, period.ends_on), *counts])
    days = daily_series(counts, starts_on=start, until=until) if until >= start else []
    counted_total = days[-1].cumulative if days else 0
    is_open = period.status == Period.Status.OPEN and today <= period.ends_on
    pace = pace_needed(target=target, counted=counted_total, today=today, ends_on=period.ends_on) if is_open else None
    path = dict(needed_path(target=target, counted=counted_total, today=today, ends_on=period.ends_on)
                if is_open else [])
    by_day = {d.day: d for d in days}
    last = max([until, *path]) if days or path else until
    labels = [start + timedelta(days=i) for i in range((last - start).days + 1)] if days or path else []
    return {
        "days": days,
        "pace": pace,
        "days_left": days_left(today=today, ends_on=period.ends_on) if is_open else None,
        "remaining": max(target - counted_total, 0),
        "days_chart": {
            "type": "participation",
            "labels": [date_format(d, "j M") for d in labels],
            "daily": [by_day[d].n if d in by_day else None for d in labels],
            "cumulative": [by_day[d].cumulative if d in by_day else None for d in labels],
            "needed": [round(float(path[d]), 1) if d in path else None for d in labels],
            "target": target or None,
            "names": {"daily": str(_("Jawaban per hari")), "cumulative": str(_("Kumulatif")),
                      "target": str(_("Target sampel")), "needed": str(_("Laju yang diperlukan"))},
        },
    }


def access_points_ranked(unit: Unit, period: Period) -> list[AccessPoint]:
    """The unit's access points, most used first; those nobody scans come last with 0."""
    in_period = Q(responses__period=period)
    return list(AccessPoint.objects.filter(unit=unit)
                .annotate(n=Count("responses", filter=in_period), last=Max("responses__created_at", filter=in_period))
                .order_by("-n", "name"))


def flag_counts(unit: Unit, period: Period) -> dict:
    """Flagged and rejected counts only: counts per rule would teach officers which rule to stay under."""
    responses = Response.objects.filter(unit=unit, period=period)
    return {
        "flagged": responses.counted().filter(flagged=True).count(),
        "rejected": responses.filter(status=Response.Status.REJECTED).count(),
        # What respondents said of the officers, one period count (never per response or per day).
        "steered": responses.filter(flags__rule="steered").distinct().count(),
    }


def mode_shares(unit: Unit, period: Period) -> dict:
    """Counted responses by how the respondent arrived (ticket, QR poster, kiosk, link), with shares; the
    ticket-verified share is the part tied to a service that really took place."""
    counts = dict(Response.objects.counted().filter(unit=unit, period=period).order_by()
                  .values_list("channel").annotate(n=Count("pk")))
    total = sum(counts.values())
    rows = [{"mode": value, "label": label, "n": counts.get(value, 0), "percent": percent(counts.get(value, 0), total)}
            for value, label in Channel.choices]
    return {"rows": rows, "total": total, "ticket_percent": percent(counts.get(Channel.TICKET, 0), total)}


def suggestions(unit: Unit, period: Period, *, q: str = "", batched: bool = False):
    """Respondents' suggestions (saran), newest first, optionally containing q (read through free_text);
    `batched`: only those released to the unit (responses.disclosure.released)."""
    return text_answers([unit], period, q=q, batched=batched)


# --------------------------------------------------------------------------- Kanwil and national pages
@dataclass
class ScopeRow:
    """One UPT (on a Kanwil page) or one Kanwil (on the national page) with its figures."""

    obj: object
    target: int = 0
    responses: int = 0
    flagged: int = 0
    last_response_at: datetime | None = None
    indices: list = field(default_factory=list)  # Snapshot or None per period instrument version
    units: int = 0
    units_below_target: int = 0

    @property
    def participation(self) -> Decimal | None:
        return percent(self.responses, self.target)

    @property
    def flagged_percent(self) -> Decimal | None:
        return percent(self.flagged, self.responses)

    @property
    def below_target(self) -> bool:
        return bool(self.target) and self.responses < self.target


def _unit_rows(period: Period, units: list[Unit], versions: list[InstrumentVersion]) -> list[ScopeRow]:
    targets = targets_by_unit(period, units)
    snaps: dict[int, dict[int, Snapshot]] = {}
    for s in Snapshot.objects.current().filter(period=period, level=Level.UNIT, service=None, unit__in=units):
        snaps.setdefault(s.unit_id, {})[s.version_id] = s
    rows = []
    for unit in units:
        mine = snaps.get(unit.pk, {})
        # A response answers every instrument of the period: the largest count is the number of responses.
        biggest = max(mine.values(), key=lambda s: s.n_counted, default=None)
        rows.append(ScopeRow(
            obj=unit, target=targets.get(unit.pk, 0),
            responses=biggest.n_counted if biggest else 0, flagged=biggest.n_flagged if biggest else 0,
            last_response_at=max((s.last_response_at for s in mine.values() if s.last_response_at), default=None),
            indices=[mine.get(v.pk) for v in versions],
        ))
    return rows


SORTS = {
    "nama": lambda r: str(r.obj.name).lower(),
    "partisipasi": lambda r: r.participation if r.participation is not None else Decimal(-1),
    "bendera": lambda r: r.flagged_percent if r.flagged_percent is not None else Decimal(-1),
    "terakhir": lambda r: r.last_response_at.timestamp() if r.last_response_at else 0,
}


def sort_rows(rows: list[ScopeRow], key: str, descending: bool) -> list[ScopeRow]:
    if key.startswith("indeks-") and key[7:].isdigit():
        position = int(key[7:])

        def by_index(r):
            s = r.indices[position] if position < len(r.indices) else None
            return s.nrr if s is not None and s.nrr is not None else Decimal(-1)

        return sorted(rows, key=by_index, reverse=descending)
    return sorted(rows, key=SORTS.get(key, SORTS["nama"]), reverse=descending)


def _scope_below_target(rows: list[ScopeRow]) -> bool:
    """A pooled figure is flagged when its scope as a whole has fewer responses than the sum of targets;
    units below their own target are counted and marked separately."""
    target = sum(r.target for r in rows)
    return bool(target) and sum(r.responses for r in rows) < target


def kanwil_dashboard(kanwil: Kanwil, period: Period, units) -> dict:
    versions = period.versions_in_order()
    rows = _unit_rows(period, list(units.order_by("name")), versions)
    pooled = current_snapshots(period=period, level=Level.KANWIL, kanwil=kanwil)
    return {
        "versions": versions,
        "rows": rows,
        "figures": index_figures(period, pooled, below_target=_scope_below_target(rows)),
        "units_below_target": sum(r.below_target for r in rows),
        "trend": trend(level=Level.KANWIL, kanwil=kanwil, until=period),
    } | {"funnels": funnels(rows, index_figures(period, pooled))}


def national_dashboard(period: Period, kanwils, units) -> dict:
    versions = period.versions_in_order()
    unit_rows = _unit_rows(period, list(units.select_related("kanwil").order_by("kanwil__name", "name")), versions)
    pooled = {(s.kanwil_id, s.version_id): s for s in current_snapshots(period=period, level=Level.KANWIL)}
    rows = []
    for kanwil in kanwils:
        mine = [r for r in unit_rows if r.obj.kanwil_id == kanwil.pk]
        last = [r.last_response_at for r in mine if r.last_response_at]
        rows.append(ScopeRow(
            obj=kanwil, target=sum(r.target for r in mine), responses=sum(r.responses for r in mine),
            flagged=sum(r.flagged for r in mine), last_response_at=max(last, default=None),
            indices=[pooled.get((kanwil.pk, v.pk)) for v in versions], units=len(mine),
            units_below_target=sum(r.below_target for r in mine),
        ))
    nation = current_snapshots(period=period, level=Level.NATION)
    return {
        "versions": versions,
        "rows": rows,
        "unit_rows": unit_rows,
        "figures": index_figures(period, nation, below_target=_scope_below_target(unit_rows)),
        "units_below_target": sum(r.below_target for r in unit_rows),
        "trend": trend(level=Level.NATION, until=period),
        "funnels": funnels(unit_rows, index_figures(period, nation)),
    }


# --------------------------------------------------------------------------- funnel plot
@dataclass
class FunnelPoint:
    obj: object
    n: int
    ik: Decimal
    low_95: float
    high_95: float
    low_998: float
    high_998: float
    outside_95: str  # "above", "below" or ""
    outside_998: str


@dataclass
class Funnel:
    """Each unit's IK against its n around the region's pooled IK, with 95 % and 99,8 % control limits."""

    version: InstrumentVersion
    centre: Decimal
    sd: float
    points: list[FunnelPoint]

    @property
    def chart_id(self) -> str:
        return f"chart-funnel-{self.version.pk}"

    @property
    def above(self) -> list[FunnelPoint]:
        return [p for p in self.points if p.outside_95 == "above"]

    @property
    def below(self) -> list[FunnelPoint]:
        return [p for p in self.points if p.outside_95 == "below"]

    @property
    def chart(self) -> dict:
        largest = max((p.n for p in self.points), default=2)
        steps = sorted({2, largest, *(max(2, round(largest * k / 20)) for k in range(1, 21))})
        limits = [uncertainty.funnel_limits(float(self.centre), self.sd, n) for n in steps]
        return {
            "type": "funnel",
            "names": {"points": _("UPT"), "centre": _("IK gabungan"), "low_95": _("batas 95 %"),
                      "high_95": _("batas 95 %"), "low_998": _("batas 99,8 %"), "high_998": _("batas 99,8 %")},
            "centre": float(self.centre),
            "points": [{"x": p.n, "y": float(p.ik), "label": str(p.obj), "outside": p.outside_95} for p in
                       self.points],
            "limits": {"n": steps, "low_95": [lim.low_95 for lim in limits], "high_95": [lim.high_95 for lim in limits],
                       "low_998": [lim.low_998 for lim in limits], "high_998": [lim.high_998 for lim in limits]},
        }


def funnels(rows: list[ScopeRow], figures: list[IndexFigure]) -> list[Funnel]:
    """One funnel per instrument version that has a pooled IK with a spread; units with at least 2 responses."""
    result = []
    for position, figure in enumerate(figures):
        pooled = figure.snapshot
        if pooled is None or pooled.ik is None:
            continue
        version = figure.version
        variance = uncertainty.ik_variance(
            uncertainty.Moments(pooled.n_counted, pooled.score_total, pooled.score_squares),
            indicators=version.indicators.count(), scale=Scale(version.scale_min, version.scale_max))
        if not variance:
            continue
        sd = float(variance) ** 0.5
        points = []
        for row in rows:
            s = row.indices[position] if position < len(row.indices) else None
            if s is None or s.ik is None or s.n_counted < 2:
                continue
            lim = uncertainty.funnel_limits(float(pooled.ik), sd, s.n_counted)
            points.append(FunnelPoint(row.obj, s.n_counted, s.ik, lim.low_95, lim.high_95, lim.low_998,
                                      lim.high_998, uncertainty.outside(float(s.ik), lim),
                                      uncertainty.outside(float(s.ik), lim, wide=True)))
        result.append(Funnel(version, pooled.ik, sd, points))
    return result
