"""Public results (/hasil/): each figure's scale, version, counts, computed-at time and warnings; the publication rule.

Hand-worked on a 1–6 SPKP version with two indicators:
- Lapas Semarang: 13 responses, one rejected by a reviewer, 12 counted (one of them flagged), every counted one
  scoring 5 and 4 → NRR_1 = 5, NRR_2 = 4, NRR 4.50; on 1–4: 1 + 3·3.5/5 = 3.1 → IK 77.50, category B.
  12 < 30: published, marked as a small sample; 12 is below the target: "sampel belum memenuhi".
- Rutan Surakarta: 4 counted responses scoring 2 and 2 → NRR 2.00, IK (1 + 3·1/5)·25 = 40.00. 4 < 10: not
  published ("belum cukup data").
- Kanwil Jateng pooled: sums 68 and 56 over 16 → 4.25 and 3.5 → NRR 3.875 → 3.88; on 1–4 1 + 3·2.875/5 =
  2.725 → IK 68.125 → 68.13, category C. The unweighted mean over the published UPTs is Semarang's alone:
  4.50, IK 77.50 (the stored mean over both UPTs, 3.25, would let a reader work out the withheld figure).
"""
import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from reporting.models import Level, Snapshot
from reporting.publication import State, Thresholds, publication_state, publish, published_unit_average
from reporting.snapshots import freeze_final_snapshots
from responses.models import Response, Scoresheet
from surveys.models import Indicator, Instrument, InstrumentVersion, Period
from tests.factories import make_access_point, make_period, make_target

pytestmark = pytest.mark.django_db
FROZEN_AT = datetime(2027, 1, 2, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.mark.parametrize(("n", "state"), [
    (0, State.SUPPRESSED), (9, State.SUPPRESSED), (10, State.SMALL_SAMPLE), (29, State.SMALL_SAMPLE),
    (30, State.PUBLISHED), (500, State.PUBLISHED),
])
def test_publication_state_by_counted_responses(n, state):
    assert publication_state(n, Thresholds(minimum=10, small_sample=30)) == state


def test_thresholds_come_from_settings(settings):
    settings.PUBLIC_MIN_RESPONSES, settings.PUBLIC_SMALL_SAMPLE_RESPONSES = 5, 50
    assert Thresholds.from_settings() == Thresholds(5, 50)


def six_point_version() -> InstrumentVersion:
    version = InstrumentVersion.objects.create(
        instrument=Instrument.objects.get(code="SPKP"), number=2, status=InstrumentVersion.Status.PUBLISHED,
        scale_min=1, scale_max=6, scale_labels=[{"value": v, "label": str(v)} for v in range(1, 7)],
    )
    for position in (1, 2):
        Indicator.objects.create(version=version, position=position, code=f"SPKP{position}",
                                 statement=f"Pernyataan {position}", statement_en=f"Statement {position}")
    return version


def respond(period, unit, version, scores, *, status=Response.Status.ACCEPTED, flagged=False):
    point = unit.access_points.first() or make_access_point(unit)
    service = unit.services.order_by("pk").first()
    response = Response.objects.create(
        idempotency_key=uuid.uuid4(), period=period, unit=unit, access_point=point, service=service,
        channel="qr", status=status, flagged=flagged, created_at=datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("UTC")),
    )
    Scoresheet.objects.create(response=response, version=version, period=period, unit=unit, service=service,
                              status=status, flagged=flagged, score_1=scores[0], score_2=scores[1])


@pytest.fixture
def published(org):
    version = six_point_version()
    period = make_period(name="Triwulan IV 2026", status=Period.Status.OPEN, versions=[version])
    for unit in (org.semarang, org.surakarta):
        for service in unit.services.all():
            make_target(period, service, population=100)
    for i in range(12):
        respond(period, org.semarang, version, [5, 4], flagged=i == 0)
    respond(period, org.semarang, version, [1, 1], status=Response.Status.REJECTED)
    for _ in range(4):
        respond(period, org.surakarta, version, [2, 2])
    period.status = Period.Status.CLOSED
    period.save(update_fields=["status"])
    freeze_final_snapshots(period.pk, now=FROZEN_AT)
    return period


def test_unit_page_shows_scale_version_counts_time_and_warnings(org, published, client):
    html = client.get("/hasil/upt/lapas-semarang/").content.decode()
    assert 'data-state="small_sample"' in html
    assert 'data-figure="nrr">4,50<' in html and 'data-figure="ik">77,50<' in html and "(Baik)" in html
    assert 'data-figure="scale">skala 1–6<' in html and "1–4" not in html
    assert 'data-figure="version">SPKP v2, skala 1–6<' in html
    assert 'data-figure="n">12 / ' in html
    assert 'data-figure="flagged">1<' in html and 'data-figure="rejected">1<' in html
    assert 'data-figure="computed-at">2 Jan 2027 09:30 (final)<' in html
    assert 'data-figure="small-sample"' in html
    assert 'data-figure="below-target"' in html and "Sampel belum memenuhi target" in html


def test_a_figure_from_fewer_than_ten_responses_is_not_published(org, published, client):
    html = client.get("/hasil/upt/rutan-surakarta/").content.decode()
    assert 'data-state="suppressed"' in html and "belum cukup data" in html
    assert "2,00" not in html and "40,00" not in html
    assert 'data-figure="n">4 / ' in html  # the count itself is shown


def test_kanwil_page_shows_pooled_figure_unit_average_and_ik_per_upt(org, published, client):
    html = client.get("/hasil/jateng-pas/").content.decode()
    pooled = html[html.index('data-index="IPKP"'):html.index("</section>", html.index('data-index="IPKP"'))]
    assert "gabungan responden (berbobot responden)" in pooled
    assert 'data-figure="nrr">3,88<' in pooled and 'data-figure="ik">68,13<' in pooled
    assert 'data-figure="n">16 / ' in pooled and 'data-state="small_sample"' in pooled
    # The unweighted mean of the published UPTs only, labelled as such.
    assert "Rata-rata UPT tanpa bobot (1 UPT yang dipublikasikan)" in pooled
    assert '<span class="figure-number">4,50</span> · IK <span class="figure-number">77,50</span>' in pooled
    table = html[html.index('id="public-units"'):html.index("</table>", html.index('id="public-units"'))]
    semarang = table[table.index('data-unit="lapas-semarang"'):table.index("</tr>", table.index("lapas-semarang"))]
    assert "4,50" in semarang and "IK" in semarang and "77,50" in semarang and "sampel kecil" in semarang
    assert "sampel belum memenuhi" in semarang
    surakarta = table[table.index('data-unit="rutan-surakarta"'):]
    assert "belum cukup data" in surakarta.split("</tr>")[0] and "40,00" not in html
    assert "skala 1–6" in table and "1–4" not in html


def test_public_page_reads_in_english_with_a_decimal_point(org, published, client):
    html = client.get("/hasil/upt/lapas-semarang/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-figure="nrr">4.50<' in html and 'data-figure="ik">77.50<' in html
    assert "scale 1–6" in html and "small sample" in html and "Sample below target" in html


def test_publication_record_for_an_open_data_api(org, published):
    snapshot = Snapshot.objects.get(level=Level.UNIT, unit=org.semarang, is_current=True, service=None)
    with translation.override("id"):
        record = publish(snapshot, target=160).as_dict()
    assert record == {
        "state": "small_sample", "instrument": "SPKP", "index": "IPKP",
        "index_name": "Indeks Persepsi Kualitas Pelayanan", "version": 2, "scale": [1, 6],
        "n_counted": 12, "n_flagged": 1, "n_rejected": 1,
        "computed_at": FROZEN_AT.astimezone(ZoneInfo("UTC")).isoformat(), "revision": snapshot.revision,
        "target": 160, "below_target": True,
        "nrr": "4.50", "ik": "77.50", "category": "B", "unit_average": None,
        # identical answers: zero spread, a margin of 0
        "ik_margin_95": "0.00", "ik_interval_95": ["77.50", "77.50"], "ik_categories_95": ["B"],
    }


def test_public_page_shows_the_margin_and_the_category_uncertainty(org, published, client):
    Snapshot.objects.filter(level=Level.UNIT, unit=org.semarang, is_current=True, service=None).update(
        ik_margin_95=Decimal("4.06"), ik_low_95=Decimal("73.44"), ik_high_95=Decimal("81.56"),
        ik_categories_95="B,C")
    html = client.get("/hasil/upt/lapas-semarang/").content.decode()
    assert 'data-figure="ik">77,50</strong> <span class="figure-number" data-figure="ik-margin">± 4,1</span>' in html
    assert 'data-figure="category-range">B, mungkin C<' in html
    assert "Rentang 95 %: 73,44–81,56" in html
    # 12 responses: below 30, the interval comes with the warning.
    assert 'data-figure="undersampled"' in html and "Sampel belum memenuhi (kurang dari 30 jawaban)" in html
    withheld = publish(Snapshot.objects.get(level=Level.UNIT, unit=org.surakarta, is_current=True, service=None))
    assert (withheld.state, withheld.nrr, withheld.ik, withheld.category, withheld.n_counted) == (
        State.SUPPRESSED, None, None, "", 4)


def test_unit_average_leaves_out_withheld_units(org, published, settings):
    units = list(Snapshot.objects.filter(level=Level.UNIT, is_current=True, service=None).select_related("version"))
    average = published_unit_average(units)
    assert (average.units, average.nrr, average.ik) == (1, Decimal("4.50"), Decimal("77.50"))
    settings.PUBLIC_MIN_RESPONSES = 4
    average = published_unit_average(units)
    assert (average.units, average.nrr, average.ik) == (2, Decimal("3.25"), Decimal("58.75"))


def test_only_closed_final_figures_reach_the_public(org, published, client):
    open_period = make_period(name="Triwulan I 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31),
                              status=Period.Status.OPEN, versions=list(published.instrument_versions.all()))
    for _ in range(40):
        respond(open_period, org.semarang, published.instrument_versions.get(), [1, 1])
    freeze_final_snapshots(open_period.pk)  # even a frozen figure of an open period stays private
    html = client.get("/hasil/upt/lapas-semarang/").content.decode()
    assert "Triwulan I 2027" not in html and "Triwulan IV 2026" in html


def test_a_small_sample_threshold_below_the_minimum_stops_the_start():
    from tests.test_settings import start_with

    result = start_with(PUBLIC_MIN_RESPONSES="20", PUBLIC_SMALL_SAMPLE_RESPONSES="10")
    assert result.returncode != 0
    assert "PUBLIC_SMALL_SAMPLE_RESPONSES=10 is below PUBLIC_MIN_RESPONSES=20" in result.stderr
    assert "is not a whole number" in start_with(PUBLIC_MIN_RESPONSES="ten").stderr
