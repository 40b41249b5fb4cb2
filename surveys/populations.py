"""Populations for the Krejcie–Morgan target from the people served in the previous period (docs/targets.md).

"Served" is what the response rates use (reporting/service_rates.py): the unit's service counts when it
recorded any in the period, else the survey tickets it issued (by the issue day). A service with nobody
served on record gets no proposal and keeps its population.
"""
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audited
from .models import Period, ServiceCount, Target, Ticket, Unit, UnitService
from .sampling import unit_parts
from .services import ServiceError, previous_period, set_population

SOURCE_COUNTS = "counts"
SOURCE_TICKETS = "tickets"


@dataclass
class ProposalRow:
    service: UnitService
    served: int | None  # None: nobody served on record, the population is kept
    current: int | None  # the population stored for the period now


@dataclass
class Proposal:
    """Each active service's population as the previous period's served count, for the officer to confirm."""

    period: Period
    previous: Period | None
    source: str | None  # SOURCE_COUNTS, SOURCE_TICKETS, or None when nothing was served on record
    rows: list[ProposalRow] = field(default_factory=list)

    @property
    def proposed(self) -> dict[int, int]:
        return {row.service.pk: row.served for row in self.rows if row.served}

    def with_targets(self) -> list[tuple[ProposalRow, int | None, int]]:
        """Each row with the population it would have and its part of the Krejcie–Morgan target (a service
        without a proposal keeps its population)."""
        populations = [row.served or row.current or 0 for row in self.rows]
        parts, _adjusted = unit_parts(populations, None)
        return [(row, population or None, part) for row, population, part in zip(self.rows, populations, parts,
                                                                               strict=True)]


def served_by_service(unit: Unit, period: Period) -> tuple[str | None, dict[int, int]]:
    """People served per service of the unit over the period's days, and where the figures come from."""
    span = (period.starts_on, period.ends_on)
    counts = dict(ServiceCount.objects.filter(service__unit=unit, day__range=span).order_by()
                  .values_list("service_id").annotate(n=Sum("served")).values_list("service_id", "n"))
    if counts:
        return SOURCE_COUNTS, counts
    tz = timezone.get_current_timezone()
    tickets = dict(Ticket.objects.filter(access_point__unit=unit, service__isnull=False)
                   .annotate(day=TruncDate("issued_at", tzinfo=tz)).filter(day__range=span).order_by()
                   .values_list("service_id").annotate(n=Count("pk")).values_list("service_id", "n"))
    return (SOURCE_TICKETS, tickets) if tickets else (None, {})


def served_proposal(unit: Unit, period: Period) -> Proposal:
    previous = previous_period(period)
    source, served = served_by_service(unit, previous) if previous is not None else (None, {})
    stored = dict(Target.objects.filter(period=period, service__unit=unit).values_list("service_id", "population"))
    rows = [ProposalRow(s, served.get(s.pk) or None, stored.get(s.pk))
            for s in UnitService.objects.filter(unit=unit, active=True).order_by("name")]
    return Proposal(period, previous, source, rows)


@audited
@transaction.atomic
def use_served_populations(*, unit: Unit, period: Period, confirmed: dict[int, int], acting_user) -> int:
    """Stores the proposal's populations through `set_population` (audited; the unit's targets are
    recomputed); returns how many services were set. `confirmed` is what the officer was shown: when the
    counts changed since, nothing is stored."""
    if period.status == Period.Status.CLOSED:
        raise ServiceError(_("Periode %(p)s sudah ditutup.") % {"p": period.name})
    proposal = served_proposal(unit, period)
    if not proposal.proposed:
        raise ServiceError(_("Tidak ada jumlah dilayani pada periode sebelumnya."))
    if confirmed != proposal.proposed:
        raise ServiceError(_("Jumlah dilayani berubah sejak ditampilkan: periksa usulan sekali lagi."))
    for row in proposal.rows:
        if row.served:
            set_population(period=period, service=row.service, population=row.served, acting_user=acting_user)
    return len(proposal.proposed)
