"""Results of the extra items (a unit's or its Kanwil's own unscored questions): counts per choice.

Answers live in `Response.extra_answers` ({str(ExtraItem.pk): value}). Only counted responses are tallied,
as for the indices. Short-text answers are read through `reporting.free_text`, never here.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q

from responses.models import Response
from surveys.models import ExtraItem, Period, Unit, localized

from .selectors import percent


def items_for_units(period: Period, units) -> list[ExtraItem]:
    """Every extra item of the period asked at any of `units` (their own, and their Kanwils'), switched off
    ones included since they may have answers: Kanwil items first, then by position."""
    units = list(units)
    kanwils = {u.kanwil_id for u in units}
    return list(
        ExtraItem.objects.filter(period=period)
        .filter(Q(unit__in=units) | Q(kanwil_id__in=kanwils))
        .select_related("unit", "kanwil")
        .order_by(F("unit").asc(nulls_first=True), "kanwil__name", "unit__name", "position", "pk")
    )


def tally(period: Period, units) -> dict[tuple[int, str], Counter]:
    """Counted answers per (unit id, item key) and value, in one pass over the responses that have any."""
    counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
    responses = (Response.objects.counted().filter(period=period, unit__in=units).exclude(extra_answers={})
                 .values_list("unit_id", "extra_answers"))
    for unit_id, answers in responses.iterator(chunk_size=5000):
        for key, value in (answers or {}).items():
            counts[(unit_id, key)][str(value)] += 1
    return counts


@dataclass
class OptionCount:
    value: str
    label: str
    n: int
    percent: Decimal | None  # of the responses that answered the item


@dataclass
class ChoiceResult:
    """One choice item's answers in one scope: a count and a percentage per option."""

    item: ExtraItem
    options: list[OptionCount] = field(default_factory=list)
    answered: int = 0  # counted responses that answered it (the base of the percentages)

    @property
    def prompt(self) -> str:
        return localized(self.item, "prompt")

    @property
    def chart_id(self) -> str:
        return f"chart-extra-{self.item.pk}"

    @property
    def chart(self) -> dict:
        return {"type": "bar", "horizontal": True, "labels": [o.label for o in self.options],
                "values": [o.n if isinstance(o.n, int) else None for o in self.options]}  # None: "< k"


def choice_result(item: ExtraItem, counts: Counter) -> ChoiceResult:
    """Counts per option in the item's order; an answer no longer among its choices is listed by its value."""
    labels = {str(value): label for value, label in item.localized_choices()}
    values = [*labels, *sorted(v for v in counts if v not in labels)]
    answered = sum(counts.values())
    options = [OptionCount(v, labels.get(v, v), counts.get(v, 0), percent(counts.get(v, 0), answered))
               for v in values]
    return ChoiceResult(item, options, answered)


@dataclass
class UnitExtraResults:
    choices: list[ChoiceResult]
    texts: list[ExtraItem]  # short-text items; their answers are listed through reporting.free_text


def unit_extra_results(unit: Unit, period: Period) -> UnitExtraResults:
    """The unit's results for every extra item it asked in the period (its own and its Kanwil's)."""
    items = items_for_units(period, [unit])
    if not items:
        return UnitExtraResults([], [])
    counts = tally(period, [unit.pk])
    choices = [choice_result(item, counts.get((unit.pk, str(item.pk)), Counter()))
               for item in items if item.kind == ExtraItem.Kind.CHOICE]
    return UnitExtraResults(choices, [item for item in items if item.kind == ExtraItem.Kind.TEXT])


@dataclass
class ScopeRow:
    """One block of the recap's extra-items sheet: an item's answers at one UPT, or (unit None) at all the
    UPTs in scope that asked a Kanwil's item."""

    item: ExtraItem
    unit: Unit | None
    result: ChoiceResult


def scope_extra_results(period: Period, units) -> Iterator[ScopeRow]:
    """Every extra item asked in scope with its counted answers: per UPT, plus a total over the UPTs for a
    Kanwil's item asked at more than one of them. A short-text item gives its number of answers only."""
    units = list(units)
    counts = tally(period, [u.pk for u in units])
    for item in items_for_units(period, units):
        key = str(item.pk)
        reach = [u for u in units if u.pk == item.unit_id or (item.kanwil_id and u.kanwil_id == item.kanwil_id)]
        per_unit = [(u, counts.get((u.pk, key), Counter())) for u in reach]
        for unit, unit_counts in per_unit:
            yield ScopeRow(item, unit, _result(item, unit_counts))
        if item.kanwil_id and len(per_unit) > 1:
            yield ScopeRow(item, None, _result(item, sum((c for _u, c in per_unit), Counter())))


def _result(item: ExtraItem, counts: Counter) -> ChoiceResult:
    if item.kind == ExtraItem.Kind.CHOICE:
        return choice_result(item, counts)
    return ChoiceResult(item, [], sum(counts.values()))
