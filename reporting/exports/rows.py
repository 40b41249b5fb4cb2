"""Selectors for exports: the scope, the current snapshots, targets, demographics and raw responses.

They return plain data (dicts, tuples, model rows) and never build a workbook. Indices are read from
the current Snapshot rows, never recomputed here, so a recap always equals the dashboard.
"""
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Case, Count, FilteredRelation, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.free_text import readable_texts
from reporting.models import Level, Snapshot
from responses.models import AgeBand, Channel, Education, Flag, Occupation, Response, Sex
from surveys.models import InstrumentVersion, Kanwil, Period, Target, Unit, localized


@dataclass(frozen=True)
class Scope:
    """What an export covers: one UPT, one Kanwil's UPTs, or the whole nation."""

    level: str
    kanwil: Kanwil | None = None
    unit: Unit | None = None

    @classmethod
    def of(cls, obj) -> "Scope":
        """The scope of anything with level/kanwil/unit attributes (an ExportJob)."""
        return cls(level=obj.level, kanwil=obj.kanwil, unit=obj.unit)

    def units(self):
        if self.level == Level.UNIT:
            return Unit.objects.filter(pk=self.unit.pk)
        if self.level == Level.KANWIL:
            return Unit.objects.filter(kanwil=self.kanwil)
        return Unit.objects.all()

    @property
    def label(self) -> str:
        if self.level == Level.UNIT:
            return self.unit.name
        if self.level == Level.KANWIL:
            return self.kanwil.name
        return _("Nasional")

    @property
    def slug(self) -> str:
        if self.level == Level.UNIT:
            return self.unit.code
        if self.level == Level.KANWIL:
            return self.kanwil.code
        return "Nasional"


def file_stem(prefix: str, scope: Scope, period: Period) -> str:
    """E.g. Rekap_SPAK_SPKP_jateng-pas_Triwulan_IV_2026."""
    period_part = re.sub(r"[^A-Za-z0-9-]+", "_", period.name).strip("_")
    return f"{prefix}_{scope.slug}_{period_part}"


@dataclass
class UnitLine:
    unit: Unit
    target: int
    snapshot: Snapshot | None  # None: no responses counted yet


@dataclass
class IndexTable:
    """One instrument version's table: a line per UPT, the pooled scope snapshot, and the target total."""

    version: InstrumentVersion
    lines: list[UnitLine]
    total: Snapshot | None
    total_target: int


@dataclass
class ServiceLine:
    unit: Unit
    service_name: str
    version: InstrumentVersion
    target: int
    snapshot: Snapshot


@dataclass
class RecapData:
    scope: Scope
    period: Period
    versions: list[InstrumentVersion]
    tables: list[IndexTable]
    services: list[ServiceLine]
    demographics: list[tuple[str, list[tuple[str, int]]]]  # (aspect, [(band label, count)])
    n_responses: int
    computed_at: datetime | None
    finals: bool = False  # every snapshot read is a period's final one


def unit_targets(units, period: Period) -> tuple[dict[int, int], dict[int, int]]:
    """Effective target sample per unit (sum over its services) and per service, for the period."""
    per_unit: dict[int, int] = defaultdict(int)
    per_service: dict[int, int] = {}
    for target in Target.objects.filter(period=period, service__unit__in=units).select_related("service"):
        per_unit[target.service.unit_id] += target.effective_target
        per_service[target.service_id] = target.effective_target
    return per_unit, per_service


def _scope_total(scope: Scope, period: Period, version: InstrumentVersion) -> Snapshot | None:
    snapshots = Snapshot.objects.current().filter(period=period, version=version, service__isnull=True)
    if scope.level == Level.UNIT:
        return snapshots.filter(level=Level.UNIT, unit=scope.unit).first()
    if scope.level == Level.KANWIL:
        return snapshots.filter(level=Level.KANWIL, kanwil=scope.kanwil).first()
    return snapshots.filter(level=Level.NATION).first()


DEMOGRAPHIC_FIELDS = (
    ("sex", Sex),
    ("age_band", AgeBand),
    ("education", Education),
    ("occupation", Occupation),
    ("channel", Channel),
)


def demographic_aspects() -> dict[str, str]:
    return {
        "sex": _("Jenis kelamin"),
        "age_band": _("Usia"),
        "education": _("Pendidikan"),
        "occupation": _("Pekerjaan"),
        "channel": _("Kanal pengisian"),
    }


def demographics(units, period: Period) -> tuple[int, list[tuple[str, list[tuple[str, int]]]]]:
    """Counted responses in scope, and per demographic aspect the count in each band (unfilled last).

    One grouped query over every combination of bands, summed here, rather than one scan per aspect.
    """
    names = [name for name, _choices in DEMOGRAPHIC_FIELDS]
    combos = (
        Response.objects.counted().filter(period=period, unit__in=units)
        .order_by().values_list(*names).annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = {name: defaultdict(int) for name in names}
    total = 0
    for *values, n in combos:
        total += n
        for name, value in zip(names, values, strict=True):
            counts[name][value] += n
    aspects = demographic_aspects()
    result = []
    for name, choices in DEMOGRAPHIC_FIELDS:
        bands = [(str(label), counts[name].get(value, 0)) for value, label in choices.choices]
        if name != "channel":
            bands.append((_("Tidak diisi"), counts[name].get("", 0)))
        result.append((aspects[name], bands))
    return total, result


def recap_data(scope: Scope, period: Period) -> RecapData:
    units = list(scope.units().select_related("kanwil").order_by("name"))
    versions = period.versions_in_order()
    per_unit, per_service = unit_targets(units, period)
    current = Snapshot.objects.current().filter(period=period, level=Level.UNIT, unit__in=units)
    unit_snaps = {(s.version_id, s.unit_id): s for s in current.filter(service__isnull=True)}
    tables = []
    for version in versions:
        lines = [UnitLine(u, per_unit.get(u.pk, 0), unit_snaps.get((version.pk, u.pk))) for u in units]
        total = _scope_total(scope, period, version)
        tables.append(IndexTable(version, lines, total, sum(per_unit.get(u.pk, 0) for u in units)))
    by_pk = {u.pk: u for u in units}
    versions_by_pk = {v.pk: v for v in versions}
    services = [
        ServiceLine(by_pk[s.unit_id], localized(s.service, "name"), versions_by_pk[s.version_id],
                    per_service.get(s.service_id, 0), s)
        for s in current.filter(service__isnull=False, version__in=versions)
        .select_related("service").order_by("unit__name", "service__name", "version__instrument__position")
    ]
    used = [s for t in tables for s in [t.total, *(line.snapshot for line in t.lines)] if s is not None]
    n_responses, demo = demographics(units, period)
    return RecapData(
        scope=scope, period=period, versions=versions, tables=tables, services=services,
        demographics=demo, n_responses=n_responses,
        computed_at=max((s.computed_at for s in used), default=None),
        finals=bool(used) and all(s.is_final for s in used),
    )


def indicator_nrr(snapshot: Snapshot | None, code: str) -> Decimal | None:
    if snapshot is None:
        return None
    for item in snapshot.indicators:
        if item.get("code") == code and item.get("nrr") not in (None, ""):
            return Decimal(str(item["nrr"]))
    return None


# --------------------------------------------------------------------------- raw responses
def count_raw(units, period: Period) -> int:
    return Response.objects.filter(period=period, unit__in=units).count()


def raw_responses(units, period: Period, versions: list[InstrumentVersion], *,
                  text_items: Iterable[str] = ()) -> Iterator[tuple]:
    """One tuple per response (all statuses), oldest first, streamed from a server-side cursor.

    (created_at local naive, unit code, unit name, service name, service name_en, channel, sex, age band,
    education, occupation, status, flagged, suggestion, extra answers (dict), flag rules (list), *scores)
    Free text (the suggestion and the answers to the `text_items` keys) is read through
    reporting.free_text.readable_texts: blank where that rule withholds it. No device hash: never exported.
    """
    base = Response.objects.filter(period=period, unit__in=units)
    readable = readable_texts(base).values("pk")
    qs = base.annotate(text_ok=Case(When(pk__in=readable, then=Value(True)), default=Value(False))).order_by(
        "created_at", "pk"
    )
    score_fields = []
    for version in versions:
        alias = f"sheet_{version.pk}"
        qs = qs.annotate(**{alias: FilteredRelation("scoresheets", condition=Q(scoresheets__version=version))})
        score_fields += [f"{alias}__score_{i.position}" for i in version.indicators.all()]
    flags: dict[int, list[str]] = defaultdict(list)
    for response_id, rule in Flag.objects.filter(response__period=period, response__unit__in=units).values_list(
        "response_id", "rule"
    ):
        flags[response_id].append(rule)
    tz = timezone.get_current_timezone()
    text_items = set(text_items)
    fields = ["pk", "created_at", "unit__code", "unit__name", "service__name", "service__name_en", "channel",
              "sex", "age_band", "education", "occupation", "status", "flagged", "suggestion", "extra_answers",
              "text_ok", *score_fields]
    for row in qs.values_list(*fields).iterator(chunk_size=5000):
        suggestion, extra, text_ok = row[13], row[14] or {}, row[15]
        if not text_ok:
            suggestion = ""
            extra = {k: v for k, v in extra.items() if k not in text_items}
        yield (row[1].astimezone(tz).replace(tzinfo=None), *row[2:13], suggestion, extra, flags.get(row[0], []),
               *row[16:])
