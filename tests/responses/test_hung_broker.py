"""A broker that accepts connections and never answers degrades the form, never holds it: the response is
stored and the respondent thanked within two seconds."""
import time

import pytest

from responses.models import Response
from tests import brokers


@pytest.mark.django_db(transaction=True)  # the recompute is queued on commit, inside the request
def test_form_stores_and_thanks_within_two_seconds_when_the_broker_hangs(client, survey, fill, settings,
                                                                        use_broker):
    settings.RECOMPUTE_HOOK = "reporting.tasks.queue_unit_recompute"
    data = fill()
    with brokers.HungBroker() as hung:
        use_broker(hung.url)
        started = time.monotonic()
        page = client.post(survey.url, data)
        elapsed = time.monotonic() - started
    assert page.status_code == 303 and page["Location"] == survey.thanks_url
    assert elapsed < 2
    assert Response.objects.count() == 1
