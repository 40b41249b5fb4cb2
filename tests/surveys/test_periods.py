"""At most one open period per programme (in the database too); opening and closing are explicit actions."""
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from surveys.audit import system_actor
from surveys.models import Period, Target
from surveys.services import ServiceError, close_period, open_period
from tests.factories import default_versions, make_period, make_target

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def next_quarter(period):
    return make_period(name="Triwulan I 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31),
                       status=Period.Status.SCHEDULED)


def test_database_refuses_a_second_open_period_in_a_programme(period, next_quarter):
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.filter(pk=next_quarter.pk).update(status=Period.Status.OPEN)
    # Another programme may have its own open period.
    make_period(name="Survei khusus", programme="survei-khusus")
    assert Period.objects.open().count() == 2


def test_opening_while_another_is_open_is_refused_with_a_clear_message(period, next_quarter):
    with pytest.raises(ServiceError, match="Triwulan IV 2026 masih dibuka"):
        open_period(period=next_quarter, now=NOW, acting_user=system_actor())
    next_quarter.refresh_from_db()
    assert next_quarter.status == Period.Status.SCHEDULED


def test_closing_then_opening_the_next_quarter_carries_populations(org, period, next_quarter):
    kunjungan = org.semarang.services.get(name="Kunjungan keluarga")
    make_target(period, kunjungan, population=500)
    close_period(period=period, now=NOW, acting_user=system_actor())
    opened = open_period(period=next_quarter, now=NOW, acting_user=system_actor())
    assert (opened.status, opened.opened_at) == (Period.Status.OPEN, NOW)
    carried = Target.objects.get(period=next_quarter, service=kunjungan)
    assert (carried.population, carried.sample_target, carried.source) == (500, 217, Target.Source.CARRIED)
    period.refresh_from_db()
    assert (period.status, period.closed_at) == (Period.Status.CLOSED, NOW)


def test_a_closed_period_cannot_be_closed_again_nor_reopened(period):
    close_period(period=period, now=NOW, acting_user=system_actor())
    with pytest.raises(ServiceError):
        close_period(period=period, now=NOW, acting_user=system_actor())
    with pytest.raises(ServiceError):
        open_period(period=period, now=NOW, acting_user=system_actor())


def test_manage_period_command_opens_and_closes(period, next_quarter, capsys):
    with pytest.raises(CommandError, match="masih dibuka"):
        call_command("manage_period", "open", "--name", "Triwulan I 2027")
    call_command("manage_period", "close")
    call_command("manage_period", "open", "--id", str(next_quarter.pk))
    assert list(Period.objects.open().values_list("name", flat=True)) == ["Triwulan I 2027"]
    call_command("manage_period", "list")
    assert "Triwulan IV 2026" in capsys.readouterr().out


def test_pusat_schedules_opens_and_closes_periods_from_the_page(org, login, period):
    client = login(org.pusat)
    spak, spkp = default_versions()
    response = client.post("/staf/periode/", {
        "name": "Triwulan I 2027", "kind": "quarter", "starts_on": "2027-01-01", "ends_on": "2027-03-31",
        "instrument_versions": [spak.pk, spkp.pk],
    })
    assert response.status_code == 302
    new = Period.objects.get(name="Triwulan I 2027")
    assert new.status == Period.Status.SCHEDULED and new.instrument_versions.count() == 2
    client.post(f"/staf/periode/{new.pk}/buka/")
    page = client.get("/staf/periode/").content.decode()
    assert "masih dibuka" in page  # the refusal is shown, nothing changed
    assert Period.objects.get(pk=new.pk).status == Period.Status.SCHEDULED
    client.post(f"/staf/periode/{period.pk}/tutup/", {"confirm": "1"})
    client.post(f"/staf/periode/{new.pk}/buka/")
    assert Period.objects.open().get() == new


def test_period_form_rejects_reversed_dates(org, login):
    response = login(org.pusat).post("/staf/periode/", {
        "name": "Salah", "kind": "quarter", "starts_on": "2027-03-31", "ends_on": "2027-01-01",
        "instrument_versions": [v.pk for v in default_versions()],
    })
    assert response.status_code == 400
    assert "Tanggal tutup tidak boleh sebelum tanggal buka." in response.content.decode()
    assert not Period.objects.filter(name="Salah").exists()


def test_kanwil_and_officers_see_periods_but_cannot_open_or_close_them(org, login, period):
    for user in (org.kanwil_jateng, org.officer_semarang):
        client = login(user)
        page = client.get("/staf/periode/")
        assert page.status_code == 200 and "Triwulan IV 2026" in page.content.decode()
        assert "Jadwalkan periode baru" not in page.content.decode()
        assert client.post(f"/staf/periode/{period.pk}/tutup/", {"confirm": "1"}).status_code == 403
        assert client.post("/staf/periode/", {"name": "x"}).status_code == 403
    assert Period.objects.get(pk=period.pk).status == Period.Status.OPEN


def test_kanwil_may_close_periods_when_configured(org, login, period, settings):
    settings.PERIOD_MANAGERS = ["pusat", "kanwil"]
    assert login(org.kanwil_jateng).post(f"/staf/periode/{period.pk}/tutup/", {"confirm": "1"}).status_code == 302
    assert Period.objects.get(pk=period.pk).status == Period.Status.CLOSED
    assert login(org.officer_semarang).post(f"/staf/periode/{period.pk}/buka/").status_code == 403


CLOSED = []


def remember_closed(*, period_id):
    CLOSED.append(period_id)


def test_closing_calls_the_configured_hook_after_commit(period, settings, django_capture_on_commit_callbacks):
    settings.PERIOD_CLOSED_HOOK = "tests.surveys.test_periods.remember_closed"
    CLOSED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        close_period(period=period, now=NOW, acting_user=system_actor())
    assert CLOSED == [period.pk]


def test_manage_period_command_audits_its_changes_as_the_system_actor(period):
    from auditlog.models import LogEntry

    call_command("manage_period", "close")
    entry = LogEntry.objects.get_for_object(period).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor is not None and entry.actor.username == "sistem"
    assert entry.changes_dict["status"] == ["open", "closed"]
    assert not entry.actor.is_active and not entry.actor.has_usable_password()


def test_a_service_called_without_an_actor_is_refused(period):
    with pytest.raises(TypeError, match="acting_user"):
        close_period(period=period, acting_user=None)
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN


def test_a_person_acting_through_a_service_is_named_in_the_audit_trail(org, period):
    from auditlog.models import LogEntry

    close_period(period=period, acting_user=org.pusat, now=NOW)
    entry = LogEntry.objects.get_for_object(period).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == org.pusat
