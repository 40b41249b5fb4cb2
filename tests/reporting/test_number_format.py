"""One number format per language: a decimal comma in Indonesian, a decimal point in English, on every figure."""
import html as html_lib
import re

import pytest
from django.urls import reverse

from reporting.snapshots import recompute_period

pytestmark = pytest.mark.django_db
OTHER_SEPARATOR = {"id": re.compile(r"\d\.\d"), "en": re.compile(r"\d,\d")}


def visible_text(page: str) -> str:
    """What a reader sees: no scripts (chart data is for the machine), no tags or attributes."""
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize(("language", "expected"), [("id", ["3,50", "87,50", "3,40", "3,00"]),
                                                      ("en", ["3.50", "87.50", "3.40", "3.00"])])
def test_unit_dashboard_uses_one_decimal_separator_per_language(worked, period, login, language, expected):
    recompute_period(period.pk)
    page = login(worked.officer_semarang).get(
        reverse("dashboard_unit", kwargs={"code": worked.semarang.code}), HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    text = visible_text(page)
    # The headline IPKP, its IK, and per-indicator NRRs (SPKP1 3.40, SPKP3 3.00) from the snapshot's JSON.
    for figure in expected:
        assert figure in text
    assert OTHER_SEPARATOR[language].findall(text) == []
