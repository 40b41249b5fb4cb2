"""Extra items' results on the UPT dashboard: counts and percentages per choice, short-text answers listed."""
import pytest
from django.urls import reverse

from responses.models import Response
from surveys.models import ExtraItem
from tests.factories import make_period

from .conftest import make_response

pytestmark = pytest.mark.django_db
SCORES = {"SPKP": [4] * 8, "SPAK": [4] * 5}
CHOICES = [{"value": "papan", "label": "Papan informasi", "label_en": "Notice board"},
           {"value": "medsos", "label": "Media sosial", "label_en": "Social media"},
           {"value": "teman", "label": "Teman", "label_en": "A friend"}]


@pytest.fixture(autouse=True)
def _everything_disclosed(settings):
    """These tests read the figures themselves; the disclosure policy ("< 5", batches) is in test_disclosure.py."""
    settings.DISCLOSURE_MIN_CELL, settings.DISCLOSURE_TEXT_DELAY_HOURS = 1, 0


@pytest.fixture
def asked(org):
    """Lapas Semarang asks where people heard of the service (3 counted answers "papan", 1 "medsos", and
    a rejected "teman" that does not count) and what to fix (two short texts); the Kanwil asks yes/no."""
    period = make_period()
    heard = ExtraItem.objects.create(period=period, unit=org.semarang, kind="choice", prompt="Dari mana Anda tahu?",
                                     prompt_en="How did you hear of it?", choices=CHOICES, position=1)
    fix = ExtraItem.objects.create(period=period, unit=org.semarang, kind="text", prompt="Apa yang perlu diperbaiki?",
                                   prompt_en="What needs fixing?", position=2)
    regional = ExtraItem.objects.create(period=period, kanwil=org.jateng, kind="choice", prompt="Pernah ke sini?",
                                        choices=[{"value": "ya", "label": "Ya"}, {"value": "tidak", "label": "Tidak"}])
    h, f, r = str(heard.pk), str(fix.pk), str(regional.pk)
    answers = [
        {h: "papan", f: "<script>alert(1)</script> antrean lama", r: "ya"},
        {h: "papan", f: "Parkir sempit"},
        {h: "papan", r: "tidak"},
        {h: "medsos"},
    ]
    for extra in answers:
        make_response(period=period, unit=org.semarang, scores=SCORES, extra_answers=extra)
    make_response(period=period, unit=org.semarang, scores=SCORES, extra_answers={h: "teman"},
                  status=Response.Status.REJECTED)
    make_response(period=period, unit=org.surakarta, scores=SCORES, extra_answers={r: "ya"})
    return period, heard, fix, regional


def dashboard(client, unit, period, **query):
    url = reverse("dashboard_unit", kwargs={"code": unit.code})
    return client.get(url, {"periode": period.pk, **query}).content.decode()


def row(label, n, percent):
    return f'<td>{label}</td><td class="text-end figure-number">{n}</td><td class="text-end figure-number">{percent}<'


def block(html, marker):
    start = html.index(marker)
    return html[start:html.index("</table>", start)]


def test_choice_counts_and_percentages_per_option_from_counted_responses(org, asked, login):
    period, heard, _fix, regional = asked
    html = dashboard(login(org.officer_semarang), org.semarang, period)
    table = block(html, f'data-extra-item="{heard.pk}"')
    assert "Dari mana Anda tahu?" in table and "4 jawaban" in table
    assert ('<tr data-option="papan"><td>Papan informasi</td><td class="text-end figure-number">3</td>'
            '<td class="text-end figure-number">75,0</td></tr>') in table
    assert row("Media sosial", 1, "25,0") in table and row("Teman", 0, "0,0") in table
    assert f'<canvas data-chart="chart-extra-{heard.pk}">' in html  # the chart, with the table as fallback
    # The Kanwil's item shows this unit's answers only (Surakarta's "ya" is not here).
    regional_table = block(html, f'data-extra-item="{regional.pk}"')
    assert "butir Kanwil" in regional_table and "2 jawaban" in regional_table
    assert row("Ya", 1, "50,0") in regional_table


def test_short_text_answers_are_listed_escaped_and_searchable(org, asked, login):
    period, _heard, fix, _regional = asked
    client = login(org.officer_semarang)
    html = dashboard(client, org.semarang, period, teks=fix.pk)
    assert f'<option value="{fix.pk}" selected>Apa yang perlu diperbaiki?</option>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; antrean lama" in html and "<script>alert(1)" not in html
    assert "Parkir sempit" in html
    found = dashboard(client, org.semarang, period, teks=fix.pk, q="ANTREAN")
    assert "antrean lama" in found and "Parkir sempit" not in found
    # Without the choice, the list is the suggestions, as before.
    assert "Parkir sempit" not in dashboard(client, org.semarang, period)


def test_another_units_text_item_cannot_be_listed_here(org, asked, login):
    period, _heard, fix, _regional = asked
    html = dashboard(login(org.officer_surakarta), org.surakarta, period, teks=fix.pk)
    assert "Parkir sempit" not in html and "antrean lama" not in html


def test_results_read_in_english(org, asked, login):
    period, heard, _fix, _regional = asked
    html = login(org.officer_semarang).get(
        reverse("dashboard_unit", kwargs={"code": org.semarang.code}) + f"?periode={period.pk}",
        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = block(html, f'data-extra-item="{heard.pk}"')
    assert "How did you hear of it?" in table and "Notice board" in table and "75.0" in table
