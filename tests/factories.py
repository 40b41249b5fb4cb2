"""Small factory functions for test data; each returns saved rows with sensible defaults."""
import itertools
from datetime import date, time

from django.contrib.auth import get_user_model

from surveys.models import (
    AccessPoint,
    InstrumentVersion,
    Kanwil,
    Membership,
    Period,
    Role,
    Unit,
    UnitService,
)
from surveys.sampling import target_sample

_seq = itertools.count(1)
PASSWORD = "sandi-uji-yang-panjang"


def make_kanwil(code=None, *, name=None, kind=Kanwil.Kind.PEMASYARAKATAN, province="Jawa Tengah") -> Kanwil:
    code = code or f"kanwil-{next(_seq)}"
    return Kanwil.objects.create(code=code, name=name or f"Kanwil {code}", kind=kind, province=province)


def make_unit(kanwil, code=None, *, name=None, kind="lapas", services=("Kunjungan keluarga", "Penitipan barang"),
              opens_at=time(8, 0), closes_at=time(15, 0)) -> Unit:
    code = code or f"upt-{next(_seq)}"
    unit = Unit.objects.create(kanwil=kanwil, code=code, name=name or f"UPT {code}", kind=kind,
                               opens_at=opens_at, closes_at=closes_at)
    for service in services:
        UnitService.objects.create(unit=unit, name=service, name_en=f"{service} (en)")
    return unit


def make_user(username=None, *, role=None, kanwil=None, unit=None, superuser=False):
    User = get_user_model()
    username = username or f"user{next(_seq)}"
    if superuser:
        return User.objects.create_superuser(username=username, password=PASSWORD)
    user = User.objects.create_user(username=username, password=PASSWORD)
    if role:
        Membership.objects.create(user=user, role=role, kanwil=kanwil, unit=unit)
    return user


def default_versions() -> list[InstrumentVersion]:
    """The SPAK v1 and SPKP v1 versions installed by the data migration."""
    return list(InstrumentVersion.objects.filter(number=1, instrument__code__in=["SPAK", "SPKP"])
                .order_by("instrument__position"))


def make_period(*, name="Triwulan IV 2026", starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 31),
                status=Period.Status.OPEN, versions=None, programme="spak-spkp") -> Period:
    period = Period.objects.create(name=name, starts_on=starts_on, ends_on=ends_on, status=status,
                                   programme=programme)
    period.instrument_versions.set(versions if versions is not None else default_versions())
    return period


def make_access_point(unit, *, name=None, kiosk=False, service=None, enabled=True) -> AccessPoint:
    return AccessPoint.objects.create(
        unit=unit, name=name or f"Loket {next(_seq)}", kiosk=kiosk,
        kind=AccessPoint.Kind.KIOSK if kiosk else AccessPoint.Kind.COUNTER,
        default_service=service, enabled=enabled,
    )


def make_target(period, service, population=100):
    from surveys.models import Target

    target = Target.objects.create(period=period, service=service, population=population,
                                   sample_target=target_sample(population))
    Target.objects.reallocate(period_id=period.pk, unit_ids=[service.unit_id])
    target.refresh_from_db()
    return target


__all__ = ["PASSWORD", "Role", "make_kanwil", "make_unit", "make_user", "make_period", "make_access_point",
           "make_target", "default_versions"]


def pass_second_factor(page, user) -> None:
    """In a browser signed in as `user`: enters a recovery code if the second-factor page is shown."""
    from django_otp.plugins.otp_static.models import StaticDevice

    page.wait_for_load_state()
    if "/akun/dua-langkah/" not in page.url:
        return
    device, _ = StaticDevice.objects.get_or_create(user=user, name="tests")
    token = device.token_set.create(token=f"uji{next(_seq):05d}").token
    page.fill("#id_token", token)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
