"""A hand-made dataset for export tests: snapshots with hand-worked figures, and the responses behind them.

Kanwil Jateng: Lapas Semarang answers the methodology's worked SPKP example (5 respondents: NRR 3.50,
IK 87.50, B); Rutan Surakarta 3 respondents scoring 3 on every SPKP item (3.00, 75.00, C). Pooled Jateng
SPKP: indicator sums 26,27,24,27,29,26,26,27 over 8 responses → 212/64 = 3.3125 → NRR 3.31, IK 82.81, B;
unweighted unit mean (3.50+3.00)/2 = 3.25, IK 81.25. SPAK: Semarang sums 20,19,18,20,20 /5 → 3.88, IK 97.00,
A; Surakarta 2 on every item → 2.00, 50.00, D; pooled 127/40 = 3.175 → 3.18, IK 79.38, B.
"""
import os
import uuid
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from reporting.models import Snapshot
from responses.models import Flag, Response, Scoresheet
from tests.factories import default_versions, make_access_point, make_period, make_target

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
JAKARTA = ZoneInfo("Asia/Jakarta")

WORKED_SPKP = [  # docs/methodology.md §5, R1..R5
    [4, 4, 3, 4, 4, 3, 4, 4],
    [3, 4, 3, 3, 4, 3, 3, 4],
    [4, 3, 2, 4, 4, 4, 3, 3],
    [4, 4, 4, 4, 4, 4, 4, 4],
    [2, 3, 3, 3, 4, 3, 3, 3],
]
SEMARANG_SPAK = [[4, 4, 4, 4, 4], [4, 4, 3, 4, 4], [4, 3, 4, 4, 4], [4, 4, 3, 4, 4], [4, 4, 4, 4, 4]]
INJECTION = '=HYPERLINK("http://contoh.invalid","klik")'


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Indonesian, and leaves no language active behind (a test request in English
    would otherwise leave English active in this thread for the builders called after it)."""
    translation.activate("id")
    yield
    translation.deactivate()


def indicator_rows(codes, sums, count):
    def nrr(total):
        return str((Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    return [{"code": c, "sum": s, "count": count, "nrr": nrr(s), "sum_unflagged": s, "count_unflagged": count,
             "nrr_unflagged": nrr(s)} for c, s in zip(codes, sums, strict=True)]


def make_snapshot(*, version, period, level="unit", unit=None, kanwil=None, service=None, sums, count, nrr, ik,
                  category, n_flagged=0, n_rejected=0, unit_average=None, computed_at=None, revision=1,
                  is_current=True):
    codes = [i.code for i in version.indicators.all()]
    return Snapshot.objects.create(
        level=level, unit=unit, kanwil=kanwil, period=period, version=version, service=service,
        revision=revision, is_current=is_current, n_counted=count, n_flagged=n_flagged, n_rejected=n_rejected,
        indicators=indicator_rows(codes, sums, count),
        nrr=Decimal(nrr), ik=Decimal(ik), category=category, nrr_unflagged=Decimal(nrr), ik_unflagged=Decimal(ik),
        category_unflagged=category,
        unit_average_nrr=Decimal(unit_average[0]) if unit_average else None,
        unit_average_ik=Decimal(unit_average[1]) if unit_average else None,
        computed_at=computed_at or datetime(2026, 11, 20, 9, 30, tzinfo=JAKARTA),
    )


def make_response(*, unit, period, access_point, service, scores_by_version, at, status=Response.Status.ACCEPTED,
                  flagged=False, suggestion="", **demographics):
    response = Response.objects.create(
        idempotency_key=uuid.uuid4(), period=period, unit=unit, access_point=access_point, service=service,
        channel="qr", created_at=at, status=status, flagged=flagged, suggestion=suggestion,
        device_hash="d" * 64, **demographics,
    )
    for version, scores in scores_by_version.items():
        Scoresheet.objects.create(
            response=response, version=version, period=period, unit=unit, service=service, status=status,
            flagged=flagged, **{f"score_{i}": s for i, s in enumerate(scores, start=1)},
        )
    return response


@pytest.fixture
def dataset(org):
    spak, spkp = default_versions()
    period = make_period()
    semarang_services = list(org.semarang.services.order_by("name"))
    surakarta_services = list(org.surakarta.services.order_by("name"))
    # Targets: Semarang 4 + 6 = 10 (5 counted → 50 %, below target); Surakarta 2 + 1 = 3 (3 → 100 %).
    for service, population in zip(semarang_services, (4, 6), strict=True):
        make_target(period, service, population=population)
    for service, population in zip(surakarta_services, (2, 1), strict=True):
        make_target(period, service, population=population)

    # Unit snapshots, pooled Kanwil snapshots, one per-service snapshot.
    make_snapshot(version=spkp, period=period, unit=org.semarang, sums=[17, 18, 15, 18, 20, 17, 17, 18], count=5,
                  nrr="3.50", ik="87.50", category="B", n_flagged=1, n_rejected=1, revision=2)
    make_snapshot(version=spak, period=period, unit=org.semarang, sums=[20, 19, 18, 20, 20], count=5,
                  nrr="3.88", ik="97.00", category="A", n_flagged=1, n_rejected=1)
    make_snapshot(version=spkp, period=period, unit=org.surakarta, sums=[9] * 8, count=3, nrr="3.00", ik="75.00",
                  category="C")
    make_snapshot(version=spak, period=period, unit=org.surakarta, sums=[6] * 5, count=3, nrr="2.00", ik="50.00",
                  category="D")
    make_snapshot(version=spkp, period=period, level="kanwil", kanwil=org.jateng,
                  sums=[26, 27, 24, 27, 29, 26, 26, 27], count=8, nrr="3.31", ik="82.81", category="B", n_flagged=1,
                  n_rejected=1, unit_average=("3.25", "81.25"))
    make_snapshot(version=spak, period=period, level="kanwil", kanwil=org.jateng, sums=[26, 25, 24, 26, 26],
                  count=8, nrr="3.18", ik="79.38", category="B", n_flagged=1, n_rejected=1,
                  unit_average=("2.94", "73.50"))
    make_snapshot(version=spkp, period=period, unit=org.semarang, service=semarang_services[1],
                  sums=[11, 11, 8, 11, 12, 10, 10, 11], count=3, nrr="3.50", ik="87.50", category="B")
    # A superseded revision that must never be read.
    make_snapshot(version=spkp, period=period, unit=org.semarang, sums=[5] * 8, count=5, nrr="1.00", ik="25.00",
                  category="D", revision=1, is_current=False)

    # Responses behind them (the raw sheet and demographics read these).
    ap_semarang, ap_surakarta = make_access_point(org.semarang), make_access_point(org.surakarta)
    ap_yogya = make_access_point(org.yogyakarta)
    sexes = ["m", "m", "f", "f", ""]
    responses = []
    for n, (spkp_scores, spak_scores) in enumerate(zip(WORKED_SPKP, SEMARANG_SPAK, strict=True)):
        responses.append(make_response(
            unit=org.semarang, period=period, access_point=ap_semarang, service=semarang_services[n % 2],
            scores_by_version={spak: spak_scores, spkp: spkp_scores},
            at=datetime(2026, 10, 5, 9, n, tzinfo=JAKARTA), sex=sexes[n], age_band="20-29" if n < 2 else "",
            flagged=n == 4, suggestion=INJECTION if n == 0 else ("Ruang tunggu nyaman" if n == 1 else ""),
        ))
    Flag.objects.create(response=responses[4], rule=Flag.Rule.TOO_FAST)
    make_response(unit=org.semarang, period=period, access_point=ap_semarang, service=semarang_services[0],
                  scores_by_version={spak: [1] * 5, spkp: [1] * 8}, at=datetime(2026, 10, 6, 10, 0, tzinfo=JAKARTA),
                  status=Response.Status.REJECTED, flagged=True, suggestion="@SUM(1+1)")
    for n, sex in enumerate(["f", "", ""]):
        make_response(unit=org.surakarta, period=period, access_point=ap_surakarta,
                      service=surakarta_services[0], scores_by_version={spak: [2] * 5, spkp: [3] * 8},
                      at=datetime(2026, 10, 7, 8, n, tzinfo=JAKARTA), sex=sex,
                      suggestion="-1+2" if n == 0 else "")
    make_response(unit=org.yogyakarta, period=period, access_point=ap_yogya,
                  service=org.yogyakarta.services.first(), scores_by_version={spak: [4] * 5, spkp: [4] * 8},
                  at=datetime(2026, 10, 8, 8, 0, tzinfo=JAKARTA), suggestion="Yogya")
    return SimpleNamespace(period=period, spak=spak, spkp=spkp, responses=responses)
