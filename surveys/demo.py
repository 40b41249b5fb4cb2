"""The demo organisation (Kanwil Jawa Tengah and DIY), staff accounts, periods, targets and access points.

Idempotent: every row is looked up by its natural key first, so loading twice changes nothing.
"""
import random
import secrets
from dataclasses import dataclass
from datetime import date, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .defaults import install_defaults
from .models import (
    AccessPoint,
    InstrumentVersion,
    Kanwil,
    Membership,
    Period,
    Role,
    ServiceCatalogue,
    Target,
    Unit,
    UnitService,
)

KANWILS = [
    ("jateng-pas", "Kanwil Ditjenpas Jawa Tengah", "pas", "Jawa Tengah"),
    ("jateng-imigrasi", "Kanwil Ditjen Imigrasi Jawa Tengah", "imigrasi", "Jawa Tengah"),
    ("diy-pas", "Kanwil Ditjenpas DI Yogyakarta", "pas", "DI Yogyakarta"),
]

# (kanwil, code, name, kind, class, address)
UNITS = [
    ("jateng-pas", "lapas-semarang", "Lapas Kelas I Semarang", "lapas", "I", "Jl. Raya Semarang–Boja, Kedungpane, Semarang"),
    ("jateng-pas", "lapas-kendal", "Lapas Kelas IIA Kendal", "lapas", "IIA", "Jl. Soekarno-Hatta, Kendal"),
    ("jateng-pas", "lapas-pekalongan", "Lapas Kelas IIA Pekalongan", "lapas", "IIA", "Jl. Sriwijaya No. 42, Pekalongan"),
    ("jateng-pas", "lapas-ambarawa", "Lapas Kelas IIA Ambarawa", "lapas", "IIA", "Jl. Mgr. Sugiyopranoto No. 1, Ambarawa"),
    ("jateng-pas", "lapas-perempuan-semarang", "Lapas Perempuan Kelas IIA Semarang", "lapas", "IIA", "Jl. Mgr. Soegijapranata No. 59, Semarang"),
    ("jateng-pas", "lapas-batu-nusakambangan", "Lapas Kelas I Batu Nusakambangan", "lapas", "I", "Pulau Nusakambangan, Cilacap"),
    ("jateng-pas", "lapas-klaten", "Lapas Kelas IIB Klaten", "lapas", "IIB", "Jl. Merbabu No. 46, Klaten"),
    ("jateng-pas", "lapas-slawi", "Lapas Kelas IIB Slawi", "lapas", "IIB", "Jl. Dr. Sutomo No. 1, Slawi"),
    ("jateng-pas", "rutan-surakarta", "Rutan Kelas I Surakarta", "rutan", "I", "Jl. Slamet Riyadi No. 18, Surakarta"),
    ("jateng-pas", "rutan-salatiga", "Rutan Kelas IIB Salatiga", "rutan", "IIB", "Jl. Diponegoro No. 46, Salatiga"),
    ("jateng-pas", "rutan-boyolali", "Rutan Kelas IIB Boyolali", "rutan", "IIB", "Jl. Merapi No. 1, Boyolali"),
    ("jateng-pas", "bapas-semarang", "Bapas Kelas I Semarang", "bapas", "I", "Jl. Ngesrep Timur V No. 99, Semarang"),
    ("jateng-pas", "bapas-pati", "Bapas Kelas II Pati", "bapas", "II", "Jl. Kol. Sunandar No. 8, Pati"),
    ("jateng-pas", "lpka-kutoarjo", "LPKA Kelas I Kutoarjo", "lpka", "I", "Jl. Pangeran Diponegoro No. 36, Kutoarjo"),
    ("jateng-pas", "rupbasan-semarang", "Rupbasan Kelas I Semarang", "rupbasan", "I", "Jl. Brigjen Sudiarto, Semarang"),
    ("jateng-pas", "rupbasan-surakarta", "Rupbasan Kelas I Surakarta", "rupbasan", "I", "Jl. Ki Hajar Dewantara, Surakarta"),
    ("jateng-imigrasi", "kanim-semarang", "Kantor Imigrasi Kelas I TPI Semarang", "kanim", "I TPI", "Jl. Siliwangi No. 514, Semarang"),
    ("jateng-imigrasi", "kanim-surakarta", "Kantor Imigrasi Kelas I TPI Surakarta", "kanim", "I TPI", "Jl. Adi Sucipto No. 8, Surakarta"),
    ("jateng-imigrasi", "kanim-pemalang", "Kantor Imigrasi Kelas II Non TPI Pemalang", "kanim", "II Non TPI", "Jl. Jend. Sudirman Timur, Pemalang"),
    ("jateng-imigrasi", "kanim-cilacap", "Kantor Imigrasi Kelas II TPI Cilacap", "kanim", "II TPI", "Jl. Jend. Sudirman No. 1, Cilacap"),
    ("jateng-imigrasi", "kanim-wonosobo", "Kantor Imigrasi Kelas II Non TPI Wonosobo", "kanim", "II Non TPI", "Jl. Raya Banyumas, Wonosobo"),
    ("jateng-imigrasi", "rudenim-semarang", "Rudenim Semarang", "rudenim", "", "Jl. Raya Semarang–Kendal, Semarang"),
    ("diy-pas", "lapas-yogyakarta", "Lapas Kelas IIA Yogyakarta", "lapas", "IIA", "Jl. Taman Siswa No. 6, Yogyakarta"),
    ("diy-pas", "rutan-yogyakarta", "Rutan Kelas IIA Yogyakarta", "rutan", "IIA", "Jl. Taman Siswa No. 6, Yogyakarta"),
    ("diy-pas", "bapas-yogyakarta", "Bapas Kelas I Yogyakarta", "bapas", "I", "Jl. Bintaran Tengah No. 3, Yogyakarta"),
    ("diy-pas", "lapas-perempuan-yogyakarta", "Lapas Perempuan Kelas IIB Yogyakarta", "lapas", "IIB", "Jl. Wates Km 5, Sleman"),
]

# (username, full name, role, scope code)
STAFF = [
    ("pusat", "Admin Pusat Strategi Kebijakan", Role.PUSAT, None),
    ("kanwil.jateng", "Staf Kanwil Ditjenpas Jawa Tengah", Role.KANWIL, "jateng-pas"),
    ("kanwil.imigrasi.jateng", "Staf Kanwil Ditjen Imigrasi Jawa Tengah", Role.KANWIL, "jateng-imigrasi"),
    ("kanwil.diy", "Staf Kanwil Ditjenpas DI Yogyakarta", Role.KANWIL, "diy-pas"),
    ("upt.lapas.semarang", "Petugas Lapas Kelas I Semarang", Role.UPT, "lapas-semarang"),
    ("upt.rutan.surakarta", "Petugas Rutan Kelas I Surakarta", Role.UPT, "rutan-surakarta"),
    ("upt.kanim.semarang", "Petugas Kantor Imigrasi Semarang", Role.UPT, "kanim-semarang"),
]

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def starts_on(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def ends_on(self) -> date:
        nxt = Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        return date.fromordinal(nxt.starts_on.toordinal() - 1)

    @property
    def name(self) -> str:
        return f"Triwulan {ROMAN[self.number]} {self.year}"


def demo_password() -> str:
    """One password for all demo accounts, generated once into a git-ignored file."""
    path = settings.BASE_DIR / "var" / "demo-password.txt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


@transaction.atomic
def load_organisation() -> None:
    kanwils = {}
    for code, name, kind, province in KANWILS:
        kanwils[code], _ = Kanwil.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "province": province}
        )
    for kanwil_code, code, name, kind, unit_class, address in UNITS:
        unit, created = Unit.objects.get_or_create(
            code=code,
            defaults={
                "kanwil": kanwils[kanwil_code], "name": name, "kind": kind, "unit_class": unit_class,
                "address": address, "opens_at": time(8, 0), "closes_at": time(15, 0),
            },
        )
        if created:
            for item in ServiceCatalogue.objects.filter(unit_kind=kind):
                UnitService.objects.create(unit=unit, catalogue=item, name=item.name, name_en=item.name_en)


@transaction.atomic
def load_staff(password: str) -> list[tuple[str, str, str]]:
    """Creates the demo accounts once; returns (username, role, scope) for printing."""
    User = get_user_model()
    rows = []
    for username, full_name, role, scope in STAFF:
        user, created = User.objects.get_or_create(username=username)
        if created:
            first, _, last = full_name.partition(" ")
            user.first_name, user.last_name = first, last
            user.set_password(password)
            user.save()
        kanwil = Kanwil.objects.get(code=scope) if role == Role.KANWIL else None
        unit = Unit.objects.get(code=scope) if role == Role.UPT else None
        membership, _ = Membership.objects.get_or_create(
            user=user, defaults={"role": role, "kanwil": kanwil, "unit": unit}
        )
        rows.append((username, membership.get_role_display(), membership.scope_label))
    return rows


@transaction.atomic
def load_periods(today: date) -> tuple[Period, Period]:
    """The current quarter open and the previous one closed, both on the published default versions."""
    versions = list(InstrumentVersion.objects.filter(status=InstrumentVersion.Status.PUBLISHED, number=1))
    current, previous = Quarter.of(today), Quarter.of(today).previous()
    periods = []
    for quarter, status in ((previous, Period.Status.CLOSED), (current, Period.Status.OPEN)):
        period, created = Period.objects.get_or_create(
            programme="spak-spkp",
            starts_on=quarter.starts_on,
            defaults={"name": quarter.name, "ends_on": quarter.ends_on, "status": status},
        )
        if created:
            period.instrument_versions.set(versions)
        periods.append(period)
    return periods[0], periods[1]


@transaction.atomic
def load_targets_and_access_points(periods: list[Period]) -> None:
    for unit in Unit.objects.prefetch_related("services"):
        rng = random.Random(unit.code)  # the same numbers on every machine and every load
        for service in unit.services.all():
            population = rng.choice([40, 80, 150, 300, 600, 1200])
            for period in periods:
                Target.objects.get_or_create(
                    period=period,
                    service=service,
                    defaults={"population": population, "sample_target": 0},
                )
        for period in periods:
            Target.objects.reallocate(period_id=period.pk, unit_ids=[unit.pk])
        AccessPoint.objects.get_or_create(unit=unit, name="Loket utama", defaults={"kind": AccessPoint.Kind.COUNTER})
        if unit.kind in {"lapas", "rutan", "kanim"}:
            AccessPoint.objects.get_or_create(
                unit=unit, name="Tablet ruang tunggu", defaults={"kind": AccessPoint.Kind.KIOSK, "kiosk": True}
            )


def load_demo(today: date) -> list[tuple[str, str, str]]:
    install_defaults()
    load_organisation()
    rows = load_staff(demo_password())
    previous, current = load_periods(today)
    load_targets_and_access_points([previous, current])
    return rows
