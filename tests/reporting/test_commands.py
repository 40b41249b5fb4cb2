"""Operator commands: demo responses and recomputing a period."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from reporting.models import Level, Snapshot
from reporting.selectors import targets_by_unit
from responses import validity
from responses.models import Flag, Response, Scoresheet
from surveys.demo import load_demo
from surveys.models import Period, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo(timezone.localdate())
    out = StringIO()
    call_command("load_demo_responses", stdout=out)
    return out.getvalue()


def test_demo_fills_the_current_and_previous_quarter_and_computes_them(demo):
    previous, current = Period.objects.order_by("starts_on")
    for period in (previous, current):
        n = Response.objects.filter(period=period).count()
        assert n > 1000
        assert Scoresheet.objects.filter(period=period).count() == 2 * n
        assert Snapshot.objects.filter(period=period, level=Level.NATION, is_current=True).count() == 2
    assert Snapshot.objects.filter(period=previous, is_final=True, is_current=True).exists()
    assert not Snapshot.objects.filter(period=current, is_final=True).exists()
    assert Response.objects.exclude(suggestion="").count() > 100
    assert Response.objects.filter(flagged=True).exists()

    # Units differ in participation: in the closed quarter most reach their target, a few do not.
    units = Unit.objects.all()
    targets = targets_by_unit(previous, units)
    counts = dict(Response.objects.filter(period=previous).values_list("unit").annotate(n=Count("pk")))
    below = [u for u in units if counts.get(u.pk, 0) < targets.get(u.pk, 0)]
    assert 0 < len(below) < len(units) / 2
    # ...and in scores.
    categories = set(Snapshot.objects.filter(period=previous, level=Level.UNIT, service=None)
                     .values_list("category", flat=True))
    assert len(categories) >= 2

    # Loading again changes nothing.
    before = Response.objects.count()
    out = StringIO()
    call_command("load_demo_responses", stdout=out)
    assert Response.objects.count() == before
    assert "nothing to do" in out.getvalue()


def test_every_flag_the_demo_stores_is_reproduced_by_the_validity_rules(demo):
    flags = list(Flag.objects.select_related("response__unit"))
    assert {f.rule for f in flags} >= {Flag.Rule.TOO_FAST, Flag.Rule.STEERED, Flag.Rule.OUTSIDE_HOURS,
                                      Flag.Rule.STRAIGHT_LINING}
    for flag in flags[::7] + [f for f in flags if f.rule == Flag.Rule.OUTSIDE_HOURS][:50]:
        response = flag.response
        sheets = list(response.scoresheets.select_related("version"))
        assert flag.rule in {f.rule for f in validity.assess_new_response(response, sheets).findings}, flag.evidence
        assert flag.evidence != {"demo": True}
    # ...and a response is flagged exactly when it carries a flag.
    assert not Response.objects.filter(flagged=True, flags__isnull=True).exists()
    assert not Response.objects.filter(flagged=False, flags__isnull=False).exists()


def test_recompute_period_command_rebuilds_snapshots_with_a_progress_bar(worked, period):
    out = StringIO()
    call_command("recompute_period", str(period.pk), stdout=out)
    assert "[##############################] 2/2" in out.getvalue()
    snapshot = Snapshot.objects.get(level=Level.UNIT, unit=worked.semarang, service=None,
                                    version__instrument__code="SPKP")
    assert str(snapshot.nrr) == "3.50"


def test_recompute_period_command_refuses_an_unknown_period(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("recompute_period", "999999", stdout=StringIO())


def test_the_demo_has_ticket_and_link_responses_with_the_tickets_behind_them(demo, client):
    from responses.models import Channel
    from surveys.models import Ticket

    ticketed = Response.objects.filter(channel=Channel.TICKET)
    assert ticketed.count() > 100
    assert Response.objects.filter(channel=Channel.LINK).exists()
    # Only some units hand out tickets; each ticket response has a used ticket of its access point behind it,
    # and some tickets were never redeemed.
    units_with_tickets = set(ticketed.values_list("unit", flat=True))
    assert 0 < len(units_with_tickets) < Unit.objects.count()
    per_point = dict(ticketed.values_list("access_point").annotate(n=Count("pk")))
    used = dict(Ticket.objects.filter(used=True).values_list("access_point").annotate(n=Count("pk")))
    assert used == per_point
    assert Ticket.objects.filter(used=False).exists()
    # The snapshots carry the ticket-verified figure the dashboards show.
    nation = Snapshot.objects.get(period=Period.objects.order_by("starts_on").first(), level=Level.NATION,
                                  is_current=True, version__instrument__code="SPKP")
    assert nation.n_ticketed == Scoresheet.objects.filter(
        period=nation.period, version=nation.version, response__channel=Channel.TICKET).count()
    assert nation.ik_ticketed is not None
