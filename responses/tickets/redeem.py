"""A survey ticket on the respondent's path, in fixed SQL: what surveys.tickets.look_up and claim decide, plus
the open period, in one prepared statement each (responses/statements.py). The ORM's versions (a four-table
select_related and an UPDATE compiled on every call) cost a ticket redemption more than twice the CPU of a
poster submission (bench/profile_submit, issue 17). Staff pages keep using surveys.tickets."""
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from surveys.models import AccessPoint, Period, Ticket, Unit
from surveys.models.tickets import is_well_formed, normalise_code

from .. import statements

# The ticket, whether its access point and unit may take answers, and the open period (as questionnaire.lookup).
_FIND_SQL = """
SELECT t.id, t.used, t.expires_at > %s, t.service_id, ap.id, ap.enabled, u.active,
  (SELECT p.id FROM {period} p WHERE p.status = %s ORDER BY p.starts_on DESC LIMIT 1)
FROM {ticket} t JOIN {access_point} ap ON ap.id = t.access_point_id JOIN {unit} u ON u.id = ap.unit_id
WHERE t.code = %s
"""
_CLAIM_SQL = """
UPDATE {ticket} SET used = %s, used_on = %s
WHERE id = %s AND access_point_id = %s AND used = %s AND expires_at > %s RETURNING id
"""


@dataclass(frozen=True)
class Found:
    """A typed code: the ticket (unsaved-looking, its columns only) with where it leads, or the problem."""

    ticket: Ticket | None
    problem: str = ""  # as surveys.tickets.Lookup: "mistyped", "unknown", "used", "expired", "disabled"
    access_point_id: int | None = None  # None: the access point or its unit takes no answers now
    period_id: int | None = None  # the open period


def find(typed: str, *, now: datetime | None = None) -> Found:
    now = now or timezone.now()
    code = normalise_code(typed)
    if not is_well_formed(code):
        return Found(None, "mistyped")
    db = transaction.get_connection()
    sql = _FIND_SQL.format(period=Period._meta.db_table, ticket=Ticket._meta.db_table,
                           access_point=AccessPoint._meta.db_table, unit=Unit._meta.db_table)
    rows = statements.run(sql, [db.ops.adapt_datetimefield_value(now), Period.Status.OPEN.value, code])
    if not rows:
        return Found(None, "unknown")
    ticket_id, used, valid, service_id, access_point_id, enabled, active, period_id = rows[0]
    ticket = Ticket(pk=ticket_id, code=code, access_point_id=access_point_id, service_id=service_id, used=bool(used))
    problem = "used" if used else "expired" if not valid else "disabled" if not enabled else ""
    live = bool(enabled) and bool(active)
    return Found(ticket, problem, access_point_id if live else None, period_id)


def claim(*, ticket_id: int, access_point_id: int, now: datetime) -> bool:
    """surveys.tickets.claim: marks the ticket used, once; True for the one caller that claimed it. Call inside
    the transaction that stores the response; concurrent claims queue on the row and only one wins."""
    db = transaction.get_connection()
    rows = statements.run(_CLAIM_SQL.format(ticket=Ticket._meta.db_table), [
        True, db.ops.adapt_datefield_value(timezone.localdate(now)), ticket_id, access_point_id, False,
        db.ops.adapt_datetimefield_value(now)])
    return bool(rows)
