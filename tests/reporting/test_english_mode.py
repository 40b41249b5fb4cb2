"""Staff pages in English show the indicators' English statements (Indicator.statement_en)."""
import pytest
from django.urls import reverse

from reporting.snapshots import recompute_period
from surveys.models import Indicator

pytestmark = pytest.mark.django_db


def test_kanwil_dashboard_and_version_page_show_english_statements(worked, period, login):
    recompute_period(period.pk)
    spkp1 = Indicator.objects.get(version__instrument__code="SPKP", version__number=1, code="SPKP1")
    assert spkp1.statement_en and spkp1.statement_en != spkp1.statement
    kanwil = login(worked.kanwil_jateng).get(reverse("dashboard_kanwil", kwargs={"code": worked.jateng.code}),
                                             HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert spkp1.statement_en in kanwil and spkp1.statement not in kanwil
    version = login(worked.pusat).get(reverse("version_detail", kwargs={"code": "SPKP", "number": 1}),
                                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    line = version[version.index('data-indicator="SPKP1"'):version.index("</li>", version.index('"SPKP1"'))]
    assert line.index(spkp1.statement_en) < line.index(spkp1.statement)  # English first, Indonesian beneath
    assert "A 88.31–100.00 (Very good)" in version
    url = reverse("version_detail", kwargs={"code": "SPKP", "number": 1})
    indonesian = login(worked.pusat).get(url).content.decode()
    assert "A 88,31–100,00 (Sangat baik)" in indonesian
