"""Response rates: counted responses ÷ people served, per unit, service and day (docs/service-counts.md).

The denominator is the unit's service counts when it records any in the period; otherwise, when it issues
survey tickets, the tickets issued (by Ticket.issued_at's day). A day of a service is odd ("hari janggal")
when the unit records counts and the service has more counted responses than people served that day, or
responses on a day with no or zero recorded service (surveys.service_counts.odd_day, shared with the
review-window job of responses/windows.py).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from responses.models import Response
from surveys.models import Period, Ticket, Unit, UnitService
from surveys.service_counts import odd_day, served_by_day

from .selectors import percent

SOURCE_COUNTS = "counts"
SOURCE_TICKETS = "tickets"


@dataclass
class RateRow:
    label: object  # a service, a day or the unit
    served: int = 0
    responses: int = 0

    @property
    def rate(self):
        return percent(self.responses, self.served)


@dataclass
class OddDay:
    day: date
    service: object
    served: int
    responses: int

    @property
    def zero_service(self) -> bool:
        return self.served == 0


@dataclass
class UnitRates:
    source: str | None
    total: RateRow
    services: list[RateRow] = field(default_factory=list)
    days: list[RateRow] = field(default_factory=list)
    odd: list[OddDay] = field(default_factory=list)

    @property
    def odd_pairs(self) -> list[tuple[Unit, OddDay]]:
        return [(self.total.label, o) for o in self.odd]


def _responses(units, period: Period) -> dict[tuple[int, int, date], int]:
    """Counted responses per (unit, service, local day)."""
    rows = (Response.objects.counted().filter(unit__in=units, period=period).order_by()
            .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
            .values_list("unit_id", "service_id", "day").annotate(n=Count("pk")))
    return {(u, s, d): n for u, s, d, n in rows}


def _served(units, period: Period) -> tuple[dict[tuple[int, int, date], int], set[int]]:
    """Served per (unit, service, day) from the counts; and the units whose denominator is tickets issued."""
    span = (period.starts_on, period.ends_on)
    counts = served_by_day(units, *span)
    counting = {u for u, _s, _d in counts}
    tz = timezone.get_current_timezone()
    tickets = (Ticket.objects.filter(access_point__unit__in=units).exclude(access_point__unit__in=counting)
               .annotate(day=TruncDate("issued_at", tzinfo=tz)).filter(day__range=span).order_by()
               .values_list("access_point__unit_id", "service_id", "day").annotate(n=Count("pk")))
    by_tickets = {(u, s, d): n for u, s, d, n in tickets}
    return {**counts, **by_tickets}, {u for u, _s, _d in by_tickets}


def rates_for(units, period: Period) -> dict[int, UnitRates]:
    """Every unit's rates (by pk), in four queries whatever the number of units."""
    units = list(units)
    responses = _responses(units, period)
    served, by_tickets = _served(units, period)
    names = {s.pk: s for s in UnitService.objects.filter(unit__in=units)}
    result = {}
    for unit in units:
        source = SOURCE_TICKETS if unit.pk in by_tickets else (
            SOURCE_COUNTS if any(k[0] == unit.pk for k in served) else None)
        result[unit.pk] = _unit_rates(unit, source, {k[1:]: v for k, v in served.items() if k[0] == unit.pk},
                                      {k[1:]: v for k, v in responses.items() if k[0] == unit.pk}, names)
    return result


def _unit_rates(unit: Unit, source, served: dict, responses: dict, names: dict) -> UnitRates:
    by_service: dict = defaultdict(lambda: [0, 0])
    by_day: dict = defaultdict(lambda: [0, 0])
    odd = []
    for key in sorted(set(served) | set(responses), key=lambda k: (k[1], k[0] or 0)):
        service_id, day = key
        n_served, n_responses = served.get(key, 0), responses.get(key, 0)
        for bucket in (by_service[service_id], by_day[day]):
            bucket[0] += n_served
            bucket[1] += n_responses
        if source == SOURCE_COUNTS and odd_day(served=n_served, responses=n_responses):
            odd.append(OddDay(day=day, service=names.get(service_id), served=n_served, responses=n_responses))
    total = RateRow(label=unit, served=sum(served.values()), responses=sum(responses.values()))
    return UnitRates(
        source=source, total=total, odd=odd,
        services=[RateRow(label=names.get(pk, "—"), served=v[0], responses=v[1])
                  for pk, v in sorted(by_service.items(), key=lambda kv: str(names.get(kv[0], "")))],
        days=[RateRow(label=day, served=v[0], responses=v[1]) for day, v in sorted(by_day.items())],
    )


def unit_rates(unit: Unit, period: Period) -> UnitRates:
    return rates_for([unit], period)[unit.pk]


def scope_rates(units, period: Period) -> dict:
    """For a Kanwil's page: each UPT's rate, and every odd day of them (unit, odd day) by day."""
    units = list(units)
    rates = rates_for(units, period)
    odd = sorted(((u, o) for u in units for o in rates[u.pk].odd), key=lambda pair: (pair[1].day, pair[0].name))
    return {"rows": [(u, rates[u.pk]) for u in units], "odd": odd}
