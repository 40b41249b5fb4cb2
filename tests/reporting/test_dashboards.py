"""Dashboards: what each role sees, and that nobody sees outside their scope."""
import pytest
from django.urls import reverse

from reporting.snapshots import recompute_period
from tests.factories import make_access_point

from .conftest import make_response

pytestmark = pytest.mark.django_db


def unit_url(unit, **query):
    url = reverse("dashboard_unit", kwargs={"code": unit.code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def computed(worked, period):
    recompute_period(period.pk)
    return worked


def test_officer_sees_the_worked_example_with_n_version_period_and_warning(computed, period, login):
    page = login(computed.officer_semarang).get(unit_url(computed.semarang)).content.decode()
    # Indonesian figures use a decimal comma.
    assert 'data-figure="IPKP">3,50<' in page
    assert "87,50" in page and ">B<" in page
    assert 'data-figure="IPAK">3,60<' in page and "90,00" in page
    assert "Indeks Persepsi Kualitas Pelayanan" in page and "Indeks Persepsi Anti Korupsi" in page
    assert "SPKP v1" in page and period.name in page
    assert "n dihitung" in page
    # Five responses against a target of 2 x 80: below target, said so.
    assert 'data-figure="period-total">5<' in page
    assert "Sampel belum memenuhi target" in page
    assert reverse("methodology") in page
    # The weakest SPKP indicator is highlighted.
    assert "SPKP3 <span class=\"badge text-bg-warning\">terlemah</span>" in page


def test_officer_cannot_see_another_units_dashboard(computed, login):
    assert login(computed.officer_semarang).get(unit_url(computed.surakarta)).status_code == 404


def test_kanwil_staff_cannot_see_a_unit_of_another_region(computed, login):
    assert login(computed.kanwil_diy).get(unit_url(computed.semarang)).status_code == 404
    assert login(computed.kanwil_jateng).get(unit_url(computed.semarang)).status_code == 200


def test_officer_cannot_open_a_kanwil_dashboard(computed, login):
    url = reverse("dashboard_kanwil", kwargs={"code": computed.jateng.code})
    assert login(computed.officer_semarang).get(url).status_code == 403


def test_kanwil_staff_cannot_see_another_kanwils_dashboard(computed, login):
    url = reverse("dashboard_kanwil", kwargs={"code": computed.jateng.code})
    assert login(computed.kanwil_diy).get(url).status_code == 404


def test_only_pusat_opens_the_national_dashboard(computed, login, client):
    url = reverse("dashboard_national")
    assert login(computed.officer_semarang).get(url).status_code == 403
    assert login(computed.kanwil_jateng).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    page = login(computed.pusat).get(url).content.decode()
    assert computed.jateng.name in page and computed.diy.name in page
    assert reverse("dashboard_kanwil", kwargs={"code": computed.jateng.code}) in page
    # Drill-down to any UPT.
    assert unit_url(computed.yogyakarta) in page


def test_anonymous_is_sent_to_login(computed, client):
    response = client.get(unit_url(computed.semarang))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_kanwil_dashboard_lists_its_units_pooled_and_unit_average(computed, period, login):
    for _ in range(3):
        make_response(period=period, unit=computed.surakarta, scores={"SPKP": [2] * 8, "SPAK": [2] * 5})
    make_response(period=period, unit=computed.yogyakarta, scores={"SPKP": [4] * 8, "SPAK": [4] * 5})
    recompute_period(period.pk)
    page = login(computed.kanwil_jateng).get(
        reverse("dashboard_kanwil", kwargs={"code": computed.jateng.code})).content.decode()
    assert computed.semarang.name in page and computed.surakarta.name in page
    assert computed.yogyakarta.name not in page
    assert 'data-figure="IPKP">2,94<' in page  # pooled (188 / 64)
    assert "Rata-rata UPT (tidak berbobot):" in page and "2,75" in page
    assert "sampel belum memenuhi" in page


def test_kanwil_table_sorts_by_index(computed, period, login):
    for _ in range(3):
        make_response(period=period, unit=computed.surakarta, scores={"SPKP": [2] * 8, "SPAK": [2] * 5})
    recompute_period(period.pk)
    url = reverse("dashboard_kanwil", kwargs={"code": computed.jateng.code})
    client = login(computed.kanwil_jateng)
    high_first = client.get(url + "?urut=indeks-1&arah=turun").content.decode()
    low_first = client.get(url + "?urut=indeks-1&arah=naik").content.decode()
    semarang, surakarta = computed.semarang.name, computed.surakarta.name
    assert high_first.index(semarang) < high_first.index(surakarta)
    assert low_first.index(surakarta) < low_first.index(semarang)


def test_suggestions_are_escaped_and_searchable(computed, period, login, settings):
    settings.DISCLOSURE_MIN_CELL, settings.DISCLOSURE_TEXT_DELAY_HOURS = 1, 0  # released at once (test_disclosure)
    make_response(period=period, unit=computed.semarang, scores={"SPKP": [3] * 8, "SPAK": [3] * 5},
                  suggestion="<script>alert('x')</script> Antrean terlalu panjang")
    make_response(period=period, unit=computed.semarang, scores={"SPKP": [3] * 8, "SPAK": [3] * 5},
                  suggestion="Toilet perlu dibersihkan")
    client = login(computed.officer_semarang)
    page = client.get(unit_url(computed.semarang)).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Antrean" in page
    assert "<script>alert" not in page
    found = client.get(unit_url(computed.semarang, q="antrean")).content.decode()
    assert "Antrean terlalu panjang" in found and "Toilet perlu dibersihkan" not in found
    assert "Tidak ada saran yang cocok" in client.get(unit_url(computed.semarang, q="parkir")).content.decode()


def test_access_points_ranked_by_responses_with_the_unused_one_last(computed, period, login):
    busy = computed.semarang.access_points.get()
    make_access_point(computed.semarang, name="Poster parkir")
    make_response(period=period, unit=computed.semarang, access_point=busy, scores={"SPKP": [3] * 8})
    page = login(computed.officer_semarang).get(unit_url(computed.semarang)).content.decode()
    assert page.index(busy.name) < page.index("Poster parkir")


def test_dashboard_without_any_response_says_no_index_yet(org, period, login):
    page = login(org.officer_yogyakarta).get(unit_url(org.yogyakarta)).content.decode()
    assert "Belum ada indeks" in page


def test_charts_carry_their_data_as_json_and_the_page_loads_chartjs_from_static(computed, login):
    page = login(computed.officer_semarang).get(unit_url(computed.semarang)).content.decode()
    assert 'type="application/json"' in page
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in page
    assert "<script>" not in page  # CSP: no inline scripts


def test_dashboard_home_sends_each_role_to_its_dashboard(computed, login):
    url = reverse("dashboard_home")
    assert login(computed.officer_semarang).get(url)["Location"] == unit_url(computed.semarang)
    assert login(computed.kanwil_diy).get(url)["Location"] == reverse("dashboard_kanwil",
                                                                      kwargs={"code": computed.diy.code})
    assert login(computed.pusat).get(url)["Location"] == reverse("dashboard_national")


def test_previous_period_can_be_chosen(computed, login):
    from tests.factories import make_period

    old = make_period(name="Triwulan III 2026", status="closed", starts_on="2026-07-01", ends_on="2026-09-30")
    page = login(computed.officer_semarang).get(unit_url(computed.semarang, periode=old.pk)).content.decode()
    assert "Belum ada indeks" in page
    assert f'<option value="{old.pk}" selected>' in page


def test_methodology_page_is_public_and_states_the_bands(client, db):
    page = client.get(reverse("methodology")).content.decode()
    assert "88,31–100,00" in page and "× 25" in page and "1/n" in page
    assert "Indeks Perilaku Anti Korupsi" in page  # the BPS index it must not be confused with


def test_dashboard_and_methodology_in_english(computed, login):
    client = login(computed.officer_semarang)
    client.cookies["django_language"] = "en"
    page = client.get(unit_url(computed.semarang), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Converted index (IK)" in page
    assert 'data-figure="IPKP">3.50<' in page
    assert "Sample below target" in page
    methodology = client.get(reverse("methodology"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "IPAK and IPKP methodology" in methodology and "88.31–100.00" in methodology


def test_every_dashboard_shows_the_margin_and_the_category_uncertainty(computed, login):
    # Worked example (tests/reporting/test_snapshots.py): IK 87,50 ± 11,81, interval 75,69–99,31: B, A or C.
    page = login(computed.officer_semarang).get(unit_url(computed.semarang)).content.decode()
    assert 'data-figure="ik-interval">87,50 ± 11,8<' in page
    assert "Rentang 95 %: 75,69–99,31" in page and "kategori B, mungkin A / C" in page
    assert "Sampel belum memenuhi (kurang dari 30 jawaban)" in page
    kanwil = login(computed.kanwil_jateng).get(
        reverse("dashboard_kanwil", kwargs={"code": computed.jateng.code})).content.decode()
    # The pooled card (Semarang alone in Jawa Tengah) and Semarang's row in the unit table.
    assert kanwil.count("87,50 ± 11,8") >= 1 and "IK 87,50 ± 11,8 · n=5 · B, mungkin A / C" in kanwil
    national = login(computed.pusat).get(reverse("dashboard_national")).content.decode()
    assert "± 11,8" in national and "B, mungkin A / C" in national


@pytest.mark.parametrize(("before", "wording"), [
    # 30 × all 3s: IK 75,00 with no spread (SE 0); now 87,50 with SE 4,2533 → z = 12,5 / 4,2533 = 2,94 ≥ 1,96.
    ([[3] * 8] * 30, "naik 12,50 poin IK, bermakna"),
    # 3 × all 4s and 2 × all 3s: IK 90,00; t = 32, 32, 32, 24, 24 → s_t² = (4224 − 144²/5)/4 = 19,2,
    # s = 3,125·√19,2 = 13,6931, SE 6,1237 (no FPC: no target then);
    # −2,50 over √(6,1237² + 4,2533²) = 7,456 → z = −0,34: within the margin of error.
    ([[4] * 8] * 3 + [[3] * 8] * 2, "turun 2,50 poin IK, dalam batas kesalahan"),
])
def test_unit_trend_says_whether_a_change_is_larger_than_its_uncertainty(computed, period, login, before, wording):
    from tests.factories import make_period

    old = make_period(name="Triwulan III 2026", status="closed", starts_on="2026-07-01", ends_on="2026-09-30")
    for scores in before:
        make_response(period=old, unit=computed.semarang, scores={"SPKP": scores, "SPAK": [4] * 5})
    recompute_period(old.pk)
    page = login(computed.officer_semarang).get(unit_url(computed.semarang)).content.decode()
    trend = page[page.index('id="trend-title"'):]
    assert f'<td class="small" data-change="1">{wording}</td>' in trend
    assert "uji z Welch pada dua rata-rata IK" in trend


def funnel_region(computed, period):
    """Jawa Tengah: Semarang (worked, n 5, IK 87,50) and Surakarta (30 × all 2s, IK 50,00).

    Pooled: n 35, Σt 620, Σt² 11638 → IK 55,36; s_t² = (11638 − 620²/35)/34 = 19,2689, s = 3,125·4,3896 = 13,717.
    Semarang, n 5: 55,36 ± 1,96·13,717/√5 = ± 12,02 (95 %), ± 18,96 (99,8 %) → above both.
    Surakarta, n 30: ± 4,91 (95 %) → 50,45–60,27: below; ± 7,74 (99,8 %) → inside.
    """
    for _ in range(30):
        make_response(period=period, unit=computed.surakarta, scores={"SPKP": [2] * 8, "SPAK": [4] * 5})
    recompute_period(period.pk)


def test_kanwil_funnel_table_names_the_units_outside_the_limits(computed, period, login):
    funnel_region(computed, period)
    page = login(computed.kanwil_jateng).get(
        reverse("dashboard_kanwil", kwargs={"code": computed.jateng.code})).content.decode()
    table = page[page.index('data-funnel-table="IPKP"'):]
    table = table[:table.index("</table>")]
    above = table[table.index('data-outside="above"'):]
    assert f"<strong>{computed.semarang.name}</strong>" in above.split("</tr>")[0]
    assert "43,34–67,38" in above.split("</tr>")[0]
    below = table[table.index('data-outside="below"'):].split("</tr>")[0]
    assert computed.surakarta.name in below and "<strong>" not in below and "50,45–60,27" in below
    assert "IK gabungan wilayah 55,36" in page
    # The unit table's default order is by name, not by index.
    names = page[page.index("UPT di wilayah ini"):]
    assert names.index(computed.semarang.name) < names.index(computed.surakarta.name)


def test_national_funnel_is_drawn_from_the_units(computed, period, login):
    funnel_region(computed, period)
    page = login(computed.pusat).get(reverse("dashboard_national")).content.decode()
    assert 'data-funnel-table="IPKP"' in page and 'data-chart="chart-funnel-' in page


def test_unit_card_shows_the_target_by_precision(computed, login, settings):
    # Worked SPKP: s = 3,125·√9,5 = 9,6319; n₀ = (1,96 · 9,6319 / 3)² = 39,60; N = 200: 39,60 / (1 + 38,60/200)
    # = 33,19 → 34 responses for ± 3 IK points. With ± 5: n₀ = 14,26 → 13,37 → 14.
    page = login(computed.officer_semarang).get(unit_url(computed.semarang)).content.decode()
    assert "Target presisi: 34 jawaban untuk rentang ± 3,0 poin IK (sebaran saat ini; kini 5)." in page
    settings.PRECISION_TARGET_MARGIN = 5.0
    page = login(computed.officer_semarang).get(unit_url(computed.semarang)).content.decode()
    assert "Target presisi: 14 jawaban untuk rentang ± 5,0 poin IK" in page
