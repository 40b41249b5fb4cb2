"""Follow-up fixtures: a closed and an open quarter, hand-made snapshots and suggestions."""
import uuid
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from django.utils import timezone

from reporting.models import Level, Snapshot
from responses.models import Response
from surveys.models import Period
from tests.factories import default_versions, make_access_point, make_period

# docs/methodology.md §5: worked example: SPKP, 5 respondents, sums per indicator.
SPKP_SUMS = [17, 18, 15, 18, 20, 17, 17, 18]  # NRR_i 3.40 3.60 3.00 3.60 4.00 3.40 3.40 3.60 -> NRR 3.50, IK 87.50, B
# A hand-made SPAK result: NRR_i 3.80 3.60 3.80 3.20 4.00 -> NRR 3.68, IK 92.00, A
SPAK_SUMS = [19, 18, 19, 16, 20]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime(year, month, day, hour))


def make_snapshot(unit, period, version, sums, *, n=5, final=True, current=True, nrr=None, ik=None,
                  category="", revision=1, level=Level.UNIT, kanwil=None):
    """A unit snapshot with integer sums per indicator (every respondent answered every item)."""
    codes = [i.code for i in version.indicators.order_by("position")]
    rows = []
    for code, total in zip(codes, sums, strict=True):
        mean = Fraction(total, n)
        shown = (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(Decimal("0.01"))
        rows.append({"code": code, "sum": total, "count": n, "nrr": str(shown),
                     "sum_unflagged": total, "count_unflagged": n, "nrr_unflagged": str(shown)})
    if nrr is None:
        exact = sum(Fraction(t, n) for t in sums) / len(sums)
        nrr = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"))
    return Snapshot.objects.create(
        level=level, unit=unit if level == Level.UNIT else None, kanwil=kanwil, period=period, version=version,
        service=None, revision=revision, is_current=current, is_final=final, n_counted=n, indicators=rows,
        nrr=nrr, ik=ik if ik is not None else nrr * 25, category=category,
    )


def make_suggestion(unit, period, text, *, created_at=None):
    point = unit.access_points.first() or make_access_point(unit)
    return Response.objects.create(
        idempotency_key=uuid.uuid4(), period=period, unit=unit, access_point=point,
        service=unit.services.first(), channel="qr", suggestion=text,
        created_at=created_at or at(2026, 9, 10),
    )


@pytest.fixture
def periods(db):
    spak, spkp = default_versions()
    q3 = make_period(name="Triwulan III 2026", starts_on=date(2026, 7, 1), ends_on=date(2026, 9, 30),
                     status=Period.Status.CLOSED)
    q4 = make_period(name="Triwulan IV 2026", starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 31),
                     status=Period.Status.OPEN)
    return SimpleNamespace(q3=q3, q4=q4, spak=spak, spkp=spkp)


@pytest.fixture
def results(org, periods):
    """Lapas Semarang's final Q3 figures: the worked example for SPKP and the hand-made SPAK result."""
    return SimpleNamespace(
        spkp=make_snapshot(org.semarang, periods.q3, periods.spkp, SPKP_SUMS, nrr=Decimal("3.50"),
                           ik=Decimal("87.50"), category="B"),
        spak=make_snapshot(org.semarang, periods.q3, periods.spak, SPAK_SUMS, nrr=Decimal("3.68"),
                           ik=Decimal("92.00"), category="A"),
    )
