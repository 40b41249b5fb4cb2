"""The demo loader builds the organisation once; loading twice changes nothing."""
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from surveys.models import AccessPoint, Kanwil, Period, Target, Unit

pytestmark = pytest.mark.django_db

MODELS = (Kanwil, Unit, Period, Target, AccessPoint, get_user_model())


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_demo_loader_is_idempotent(capsys):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    out = capsys.readouterr().out
    assert "kanwil.jateng" in out and "upt.lapas.semarang" in out and "password" in out


def test_demo_has_the_jawa_tengah_organisation():
    call_command("load_demo")
    jateng = Kanwil.objects.get(name="Kanwil Ditjenpas Jawa Tengah")
    assert jateng.units.count() >= 15
    assert Unit.objects.filter(kanwil__name="Kanwil Ditjen Imigrasi Jawa Tengah", kind="kanim").count() >= 5
    assert Kanwil.objects.exclude(province="Jawa Tengah").exists()
    assert Period.objects.open().count() == 1
    open_period = Period.objects.open().get()
    assert open_period.starts_on <= date.today() <= open_period.ends_on
    for unit in Unit.objects.all():
        assert unit.access_points.filter(enabled=True).exists()
        assert Target.objects.filter(period=open_period, service__unit=unit).exists()
