"""Issuing survey tickets (batches printed by officers) and looking one up when a respondent brings it."""
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .audit import audited
from .models import AccessPoint, Ticket, TicketBatch, UnitService
from .models.tickets import hour_of, is_well_formed, normalise_code, ticket_lifetime

MAX_BATCH = 500


@audited
@transaction.atomic
def issue_tickets(*, access_point: AccessPoint, count: int, layout: str, service: UnitService | None = None,
                  acting_user, now: datetime | None = None) -> TicketBatch:
    """A batch of `count` fresh tickets for one access point (and optionally one service), audited."""
    if not 1 <= count <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} tickets")
    if service is not None and service.unit_id != access_point.unit_id:
        raise ValueError("service belongs to another unit")
    now = now or timezone.now()
    batch = TicketBatch.objects.create(access_point=access_point, service=service, layout=layout, size=count,
                                       created_on=timezone.localdate(now))
    issued = hour_of(now)
    Ticket.objects.bulk_create([
        Ticket(batch=batch, access_point=access_point, service=service, issued_at=issued,
               expires_at=now + ticket_lifetime())
        for _ in range(count)
    ])
    return batch


@dataclass(frozen=True)
class Lookup:
    """What a typed or scanned code is: a ticket to redeem, or why not."""

    ticket: Ticket | None
    problem: str = ""  # "mistyped", "unknown", "used", "expired", "disabled"


def look_up(typed: str, *, now: datetime | None = None) -> Lookup:
    now = now or timezone.now()
    code = normalise_code(typed)
    if not is_well_formed(code):
        return Lookup(None, "mistyped")
    ticket = Ticket.objects.select_related("access_point__unit", "service").filter(code=code).first()
    if ticket is None:
        return Lookup(None, "unknown")
    if ticket.used:
        return Lookup(ticket, "used")
    if ticket.expires_at <= now:
        return Lookup(ticket, "expired")
    if not ticket.access_point.enabled:
        return Lookup(ticket, "disabled")
    return Lookup(ticket)


def claim(*, ticket_id: int, access_point_id: int, now: datetime) -> bool:
    """Marks the ticket used, once: True for the one caller that claimed it. Call inside the transaction that
    stores the response, so both happen or neither; concurrent claims queue on the row and only one wins."""
    return bool(Ticket.objects.filter(pk=ticket_id, access_point_id=access_point_id, used=False, expires_at__gt=now)
                .update(used=True, used_on=timezone.localdate(now)))
