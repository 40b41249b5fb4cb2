"""The audit log reads as "field: old → new" lines in the reader's language, never as raw JSON or raw values."""
import pytest
from auditlog.models import LogEntry
from django.utils import timezone, translation
from django.utils.formats import date_format

from responses.models import ReviewDecision
from responses.review import services as review
from responses.simulation import store_response
from surveys.audit.display import describe
from surveys.models import InstrumentVersion
from tests.factories import default_versions, make_access_point, make_period, make_target

from .test_audit import period_noon

pytestmark = pytest.mark.django_db


def lines(obj, language: str, *, action=None) -> dict[str, tuple[str, str]]:
    entries = LogEntry.objects.get_for_object(obj).order_by("-pk")
    if action is not None:
        entries = entries.filter(action=action)
    with translation.override(language):
        row = describe(entries.first())
        return {label: (old, new) for label, old, new in row["changes"]} | {"_record": row["record"],
                                                                            "_action": row["action"]}


def test_booleans_read_as_yes_and_no(org):
    org.semarang.active = False
    org.semarang.save()
    assert lines(org.semarang, "id", action=LogEntry.Action.UPDATE)["Aktif"] == ("Ya", "Tidak")
    assert lines(org.semarang, "en", action=LogEntry.Action.UPDATE)["Active"] == ("Yes", "No")


def test_category_bands_read_as_labels_in_the_readers_number_format(org):
    spak, _spkp = default_versions()
    draft = InstrumentVersion.objects.create(instrument=spak.instrument, number=9, bands=spak.bands)
    draft.bands = [{**band, "label": "Istimewa", "label_en": "Excellent"} if band["code"] == "A" else band
                   for band in spak.bands]
    draft.save()
    old, new = lines(draft, "id", action=LogEntry.Action.UPDATE)["Kategori mutu"]
    assert old.startswith("A 88,31–100,00 (Sangat baik); B 76,61–88,30 (Baik)")
    assert new.startswith("A 88,31–100,00 (Istimewa)")
    old, new = lines(draft, "en", action=LogEntry.Action.UPDATE)["Quality categories"]
    assert old.startswith("A 88.31–100.00 (Very good)") and new.startswith("A 88.31–100.00 (Excellent)")
    assert "{" not in old + new and '"code"' not in old + new


def test_many_to_many_changes_say_what_was_added(org):
    period = make_period()
    (entry,) = [e for e in LogEntry.objects.get_for_object(period)
                if isinstance(e.changes_dict.get("instrument_versions"), dict)]
    with translation.override("en"):
        row = describe(entry)
    (label, old, new), = row["changes"]
    assert old == "" and new == "added: SPAK v1, SPKP v1"


def test_times_are_local_and_records_without_a_name_get_one(org):
    point = make_access_point(org.semarang, name="Loket Barat")
    with translation.override("id"):
        expected = date_format(timezone.localtime(point.created_at), "j M Y H:i")
    assert lines(point, "id")["Dibuat pada"] == ("", expected)
    target = make_target(make_period(), org.semarang.services.first(), population=100)
    assert lines(target, "id")["_record"] == f"Target sampel #{target.pk}"
    assert lines(target, "en")["_record"] == f"Target sample #{target.pk}"
    assert "object (" not in lines(target, "en")["_record"]


def test_review_decisions_read_in_the_readers_language(org):
    period = make_period()
    spak, spkp = default_versions()
    response = store_response(access_point=make_access_point(org.semarang), period=period,
                              created_at=period_noon(period), completion_seconds=5,
                              scores={spak: [4, 4, 4, 4, 3], spkp: [3] * 8})
    review.decide(response_ids=[response.pk], decision="reject", reason="Terlalu cepat",
                  acting_user=org.kanwil_jateng)
    decision = ReviewDecision.objects.get()
    english = lines(decision, "en")
    assert english["_action"] == "Review decision" and english["_record"] == f"Reject #{response.pk}"
    assert english["Status"] == ("Accepted", "Rejected by reviewer")
    assert english["Decision"] == ("", "Reject")
    indonesian = lines(decision, "id")
    assert indonesian["Status"] == ("Diterima", "Ditolak peninjau") and indonesian["Keputusan"] == ("", "Tolak")
    assert indonesian["_record"] == f"Tolak #{response.pk}"


def test_audit_page_shows_the_readable_lines(org, login):
    org.semarang.active = False
    org.semarang.save()
    html = login(org.pusat).get("/staf/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>Active</strong>: Yes &rarr; No" in html
    assert "True" not in html and "False" not in html


