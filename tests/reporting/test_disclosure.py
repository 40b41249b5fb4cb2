"""The UPT page under the disclosure policy (responses.disclosure): its own officers see aggregates with small
cells "< 5", free text only in delayed batches of at least 5 with the date alone, the steered answers only
as a period count; Kanwil reviewers see the figures and the review queue keeps its evidence."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.free_text import text_answers
from reporting.snapshots import recompute_period
from responses.models import Flag, Response
from surveys.models import ExtraItem

from .conftest import make_response

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")
SCORES = {"SPKP": [3] * 8, "SPAK": [3] * 5}


def released_batch_and_one_fresh(org, period, fresh: str) -> None:
    """Five suggestions "Lama 0".."Lama 4" written three days ago (one released batch) and one written now."""
    old = timezone.now() - timedelta(days=3)
    for n in range(5):
        make_response(period=period, unit=org.semarang, scores=SCORES, suggestion=f"Lama {n}",
                      created_at=old + timedelta(minutes=n))
    make_response(period=period, unit=org.semarang, scores=SCORES, suggestion=fresh)


def unit_page(client, unit, **query):
    url = reverse("dashboard_unit", kwargs={"code": unit.code})
    return client.get(url, query).content.decode()


def test_suggestions_reach_the_unit_only_after_the_delay_and_in_batches_of_k(org, period):
    start = datetime(2026, 10, 5, 9, 0, tzinfo=JAKARTA)
    texts = [make_response(period=period, unit=org.semarang, scores=SCORES, suggestion=f"Saran {n}",
                           created_at=start + timedelta(hours=n)) for n in range(7)]

    def released(now):
        return sorted(r.text for r in text_answers([org.semarang], period, batched=True, now=now))

    # Just submitted: nothing, even for the first one once alone past the delay.
    assert released(start + timedelta(minutes=5)) == []
    assert released(start + timedelta(hours=24)) == []  # one past the delay, fewer than k
    # The 5th text (09:00 + 4 h) passes the delay at 13:00 the next day: the first batch of five.
    assert released(start + timedelta(hours=27, minutes=59)) == []
    assert released(start + timedelta(hours=28)) == [f"Saran {n}" for n in range(5)]
    # Two more pass the delay later: still held until k new ones have accumulated.
    assert released(start + timedelta(days=30)) == [f"Saran {n}" for n in range(5)]
    for n in range(7, 10):
        make_response(period=period, unit=org.semarang, scores=SCORES, suggestion=f"Saran {n}",
                      created_at=start + timedelta(hours=n))
    assert len(released(start + timedelta(days=30))) == 10
    assert [t.pk for t in texts[:1]]  # the texts exist; only their release waits
    # Unbatched (Kanwil/Pusat readers): everything at once.
    assert len(text_answers([org.semarang], period)) == 10


def test_officer_page_shows_no_fresh_suggestion_and_dates_released_ones_without_service(org, period, login):
    released_batch_and_one_fresh(org, period, "Baru saja: petugas loket 2")
    officer = unit_page(login(org.officer_semarang), org.semarang)
    assert "Lama 0" in officer and "Lama 4" in officer and "petugas loket 2" not in officer
    assert 'data-disclosure="batches"' in officer
    items = re.findall(r'<li class="list-group-item px-0"><p class="mb-0">Lama 0</p><p[^>]*>([^<]*)</p>', officer)
    assert items and not re.search(r"\d\d:\d\d", items[0]) and "·" not in items[0]  # the date only
    kanwil = unit_page(login(org.kanwil_jateng), org.semarang)
    assert "petugas loket 2" in kanwil and 'data-disclosure="batches"' not in kanwil


def test_officer_page_has_no_cell_below_k_and_no_time_finer_than_the_day(org, period, login):
    point = org.semarang.access_points.first()
    # Three responses on one day, one service: every cell is below 5.
    day = datetime(2026, 10, 6, 10, 17, tzinfo=JAKARTA)
    for n in range(3):
        make_response(period=period, unit=org.semarang, scores=SCORES, created_at=day + timedelta(minutes=n),
                      access_point=point)
    recompute_period(period.pk)
    officer = unit_page(login(org.officer_semarang), org.semarang)
    table = officer[officer.index('id="svc-title"'):officer.index('id="day-title"')]
    assert "&lt; 5" in table and ">3<" not in table and "n=3" not in table
    days = officer[officer.index('id="days-table"'):]
    days = days[:days.index("</table>")]
    assert re.search(r'data-day="2026-10-06"[^>]*>.*?&lt; 5', days)
    assert ">3<" not in days  # no running total either
    points = officer[officer.index('id="ap-title"'):officer.index("</table>", officer.index('id="ap-title"'))]
    assert "&lt; 5" in points and "10:19" not in points and "6 Okt" in points
    assert "10:17" not in officer and "10:19" not in officer
    # The unit's indices from 3 counted responses are not shown either (nor the indicator table).
    assert officer.count('data-figure="suppressed"') == 2 and 'data-figure="IPKP"' not in officer
    assert "NRR per indikator" not in officer
    # The same page read by the Kanwil keeps every figure.
    kanwil = unit_page(login(org.kanwil_jateng), org.semarang)
    kanwil_table = kanwil[kanwil.index('id="svc-title"'):kanwil.index('id="day-title"')]
    assert "&lt; 5" not in kanwil_table and ">3<" in kanwil_table
    assert 'data-figure="IPKP">3,00<' in kanwil and 'data-figure="suppressed"' not in kanwil


def test_steered_answers_reach_the_unit_only_as_a_period_count(org, period, login, settings):
    settings.DISCLOSURE_MIN_CELL = 2
    for n in range(3):
        response = make_response(period=period, unit=org.semarang, scores=SCORES, flagged=True,
                                 created_at=datetime(2026, 10, 7 + n, 9, 0, tzinfo=JAKARTA))
        Flag.objects.create(response=response, rule=Flag.Rule.STEERED)
    page = unit_page(login(org.officer_semarang), org.semarang)
    flags = page[page.index('id="flag-title"'):page.index('id="ap-title"')]
    assert "Diarahkan/diawasi petugas: 3" in flags
    assert "Okt" not in flags and "09:00" not in flags  # no day, no time, no response
    # The review queue, for the Kanwil, still shows each flagged response with its evidence to the minute.
    queue = login(org.kanwil_jateng).get(reverse("review_queue")).content.decode()
    assert "Diarahkan/diawasi petugas" in queue and "09:00" in queue


def test_short_text_answers_are_batched_like_suggestions(org, period, login):
    item = ExtraItem.objects.create(period=period, unit=org.semarang, kind="text", prompt="Apa yang kurang?")
    make_response(period=period, unit=org.semarang, scores=SCORES, extra_answers={str(item.pk): "Kursi rusak"},
                  created_at=timezone.now() - timedelta(days=2))
    client = login(org.officer_semarang)
    assert "Kursi rusak" not in unit_page(client, org.semarang, teks=item.pk)  # one alone is never shown
    assert "Kursi rusak" in unit_page(login(org.kanwil_jateng), org.semarang, teks=item.pk)
    assert Response.objects.count() == 1


def test_follow_up_suggestion_list_is_batched_for_the_officer_without_service(org, period, login):
    released_batch_and_one_fresh(org, period, "Baru saja ditulis")
    url = f"/staf/upt/lapas-semarang/tindak-lanjut/{period.pk}/saran/"
    officer = login(org.officer_semarang).get(url).content.decode()
    assert "Lama 3" in officer and "Baru saja ditulis" not in officer and ">Layanan<" not in officer
    kanwil = login(org.kanwil_jateng).get(url).content.decode()
    assert "Baru saja ditulis" in kanwil and ">Layanan<" in kanwil


def test_unit_flag_page_and_trend_follow_the_policy_for_officers(org, period, login):
    for n in range(3):
        response = make_response(period=period, unit=org.semarang, scores=SCORES, flagged=True,
                                 created_at=datetime(2026, 10, 7 + n, 9, 0, tzinfo=JAKARTA))
        Flag.objects.create(response=response, rule=Flag.Rule.STEERED)
    recompute_period(period.pk)
    url = reverse("unit_flags", kwargs={"code": org.semarang.code}) + f"?periode={period.pk}"
    officer = login(org.officer_semarang).get(url).content.decode()
    assert re.search(r"Diarahkan/diawasi petugas</td><td[^>]*>&lt; 5<", officer)
    kanwil = login(org.kanwil_jateng).get(url).content.decode()
    assert re.search(r"Diarahkan/diawasi petugas</td><td[^>]*>3<", kanwil)
    trend = unit_page(login(org.officer_semarang), org.semarang)
    trend = trend[trend.index('id="trend-title"'):] if 'id="trend-title"' in trend else ""
    assert "3,00" not in trend
