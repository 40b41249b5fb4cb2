"""The fraud simulation: every injected fraudulent response is flagged, at most 2% of honest ones are,
and a Kanwil reviewer can find the injected burst in the queue and reject it."""
from datetime import date

import pytest
from django.core.management import call_command

from responses.models import Flag, Response, Scoresheet
from responses.review import services as review
from responses.simulation import simulate_traffic
from tests.factories import make_access_point, make_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(org):
    period = make_period()
    make_access_point(org.semarang, name="Loket utama")
    make_access_point(org.semarang, name="Tablet ruang tunggu", kiosk=True)
    return org, period


@pytest.fixture
def simulated(scene):
    org, period = scene
    return org, period, simulate_traffic(unit=org.semarang, period=period, day=date(2026, 11, 20), honest=200)


def flagged(ids, rule=None):
    qs = Response.objects.filter(pk__in=ids, flagged=True)
    return qs.filter(flags__rule=rule).distinct().count() if rule else qs.count()


def test_every_injected_fraud_is_flagged_and_at_most_two_percent_of_honest(simulated):
    _org, _period, result = simulated
    assert (len(result.officer_series), len(result.coordinated_burst), len(result.too_fast)) == (40, 8, 10)
    assert flagged(result.fraudulent) == len(result.fraudulent) == 58
    assert len(result.honest) == 200
    assert flagged(result.honest) <= 0.02 * len(result.honest)
    # each pattern is caught by the rule meant for it
    assert flagged(result.officer_series, Flag.Rule.REPEAT_DEVICE) == 40
    assert flagged(result.coordinated_burst, Flag.Rule.BURST) == 8
    assert flagged(result.too_fast, Flag.Rule.TOO_FAST) == 10
    # scoresheets carry their response's flag (two instruments answered each time)
    assert Scoresheet.objects.filter(response_id__in=result.fraudulent, flagged=False).count() == 0
    assert (Scoresheet.objects.filter(response_id__in=result.honest, flagged=True).count()
            == 2 * flagged(result.honest))
    # the honest near misses are there and stay unflagged: top score throughout at a normal pace,
    # and the same phone returning days later
    honest = Response.objects.filter(pk__in=result.honest)
    uniform = [r for r in honest.prefetch_related("scoresheets")
               if len({v for s in r.scoresheets.all() for v in s.scores(20) if v is not None}) == 1]
    assert uniform and not any(r.flagged for r in uniform)
    devices = list(honest.exclude(device_hash="").values_list("device_hash", flat=True))
    assert len(devices) > len(set(devices))


def test_kanwil_finds_the_burst_in_the_queue_and_rejects_it(simulated, login):
    org, period, result = simulated
    client = login(org.kanwil_jateng)
    queue = client.get("/staf/tinjauan/").content.decode()
    # the summary links the unit's burst count (the kiosk burst, and the officer's identical forms) to the list
    assert "upt=lapas-semarang&amp;aturan=burst&amp;status=semua" in queue
    listed = client.get(f"/staf/tinjauan/?periode={period.pk}&upt=lapas-semarang&aturan=burst&status=semua")
    listed_ids = [r["response"].pk for r in listed.context["rows"]]
    assert set(result.coordinated_burst) <= set(listed_ids)
    assert set(listed_ids) <= set(result.fraudulent)
    reply = client.post(f"/staf/tinjauan/?periode={period.pk}&upt=lapas-semarang&aturan=burst",
                        {"response": result.coordinated_burst, "decision": "reject",
                         "reason": "Delapan jawaban identik dari kios dalam enam menit"})
    assert reply.status_code == 302
    assert Response.objects.filter(pk__in=result.coordinated_burst, status="rejected").count() == 8
    counts = review.flag_counts(org.semarang, period)
    assert counts["rejected"] == 8
    assert Response.objects.counted().filter(unit=org.semarang).count() == 258 - 8


def test_management_command_reports_what_was_caught(scene, capsys):
    org, period = scene
    call_command("simulate_fraud", "--unit=lapas-semarang", f"--period={period.pk}", "--day=2026-11-20",
                 "--honest=50")
    out = capsys.readouterr().out
    assert "officer: 40 forms in 10 minutes, one phone      40 of   40 flagged" in out
    assert "coordinated identical burst                      8 of    8 flagged" in out
    assert "completed too fast                              10 of   10 flagged" in out
    assert "Injected responses missed: 0." in out


def test_management_command_refuses_a_day_outside_the_period(scene):
    from django.core.management.base import CommandError

    _org, period = scene
    with pytest.raises(CommandError, match="outside"):
        call_command("simulate_fraud", "--unit=lapas-semarang", f"--period={period.pk}", "--day=2027-01-05")
    with pytest.raises(CommandError, match="Unknown unit"):
        call_command("simulate_fraud", "--unit=no-such-unit", f"--period={period.pk}")
