"""Instruments round-trip through the documented JSON format; a malformed file gets errors naming the field."""
import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from surveys.audit import system_actor
from surveys.defaults import DATA
from surveys.instrument_format import (
    InstrumentFormatError,
    export_version,
    load_document,
    validate_document,
)
from surveys.models import Instrument, InstrumentVersion
from surveys.services import import_instrument

pytestmark = pytest.mark.django_db


def spkp_document() -> dict:
    return json.loads((DATA / "spkp-v1.json").read_text(encoding="utf-8"))


def fields_of(doc) -> list[str]:
    with pytest.raises(InstrumentFormatError) as exc:
        validate_document(doc)
    return [p.field for p in exc.value.problems]


def test_export_of_the_installed_spkp_equals_its_source_file():
    version = InstrumentVersion.objects.get(instrument__code="SPKP", number=1)
    assert export_version(version) == spkp_document()


def test_round_trip_export_import_export_keeps_every_field():
    original = export_version(InstrumentVersion.objects.get(instrument__code="SPAK", number=1))
    doc = copy.deepcopy(original)
    doc["version"]["number"] = 2
    doc["version"]["status"] = "draft"
    imported = import_instrument(doc=doc, acting_user=system_actor())
    assert (imported.number, imported.status, imported.indicators.count()) == (2, "draft", 5)
    again = export_version(imported)
    assert again == doc
    assert again["version"]["indicators"] == original["version"]["indicators"]


def test_import_creates_a_new_instrument_with_a_six_point_scale():
    doc = spkp_document()
    doc.update(code="SKM", name="Survei Kepuasan Masyarakat", index_code="IKM", index_name="Indeks Kepuasan")
    doc["version"]["scale"] = {"min": 1, "max": 6, "labels": [{"value": v, "label": f"Nilai {v}"} for v in range(1, 7)]}
    version = import_instrument(doc=load_document(json.dumps(doc)), acting_user=system_actor())
    assert Instrument.objects.get(code="SKM").index_code == "IKM"
    assert (version.scale_min, version.scale_max) == (1, 6)
    assert [label for _v, label in version.localized_scale()][-1] == "Nilai 6"


def test_malformed_json_names_the_line():
    with pytest.raises(InstrumentFormatError, match=r"\(berkas\): JSON tidak sah di baris 3"):
        load_document('{\n "format": "spakspkp-instrument/1",\n "code": SPAK\n}')


def test_each_problem_names_its_field():
    doc = spkp_document()
    doc["format"] = "other/2"
    doc["colour"] = "blue"
    del doc["name"]
    doc["version"]["number"] = "1"
    doc["version"]["scale"]["max"] = 1
    doc["version"]["bands"][1]["min"] = "abc"
    doc["version"]["indicators"][2]["statement"] = ""
    doc["version"]["indicators"][4]["code"] = "SPKP1"
    assert fields_of(doc) == [
        "format", "colour", "name", "version.number", "version.scale.max",
        "version.bands[1].min", "version.indicators[2].statement", "version.indicators[4].code",
    ]


def test_missing_scale_label_and_unknown_status_are_reported():
    doc = spkp_document()
    doc["version"]["scale"]["labels"].pop()
    doc["version"]["status"] = "live"
    assert fields_of(doc) == ["version.status", "version.scale.labels"]


def test_overlapping_bands_are_reported():
    doc = spkp_document()
    doc["version"]["bands"][1]["max"] = "90.00"
    assert fields_of(doc) == ["version.bands[1].min"]


def test_too_many_indicators_are_reported():
    doc = spkp_document()
    doc["version"]["indicators"] = [{"code": f"X{i}", "statement": "s"} for i in range(21)]
    assert fields_of(doc) == ["version.indicators"]


def test_importing_an_existing_version_number_is_refused_without_writing():
    with pytest.raises(InstrumentFormatError) as exc:
        import_instrument(doc=spkp_document(), acting_user=system_actor())
    assert exc.value.problems[0].field == "version.number"
    assert InstrumentVersion.objects.filter(instrument__code="SPKP").count() == 1


def test_commands_export_and_import(tmp_path):
    path = tmp_path / "spak.json"
    call_command("export_instrument", "SPAK", "--number", "1", "--output", str(path))
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["version"]["number"] = 3
    path.write_text(json.dumps(doc), encoding="utf-8")
    call_command("import_instrument", str(path))
    assert InstrumentVersion.objects.get(instrument__code="SPAK", number=3).indicators.count() == 5


def test_import_command_lists_field_errors(tmp_path):
    doc = spkp_document()
    doc["version"]["indicators"][0]["statement"] = 7
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(CommandError, match=r"version\.indicators\[0\]\.statement: harus berupa teks"):
        call_command("import_instrument", str(path))


def test_pusat_imports_and_exports_on_the_staff_page(org, login):
    client = login(org.pusat)
    doc = spkp_document()
    doc["version"]["number"] = 2
    upload = SimpleUploadedFile("spkp.json", json.dumps(doc).encode(), content_type="application/json")
    response = client.post("/staf/instrumen/impor/", {"file": upload})
    assert response.status_code == 302 and response["Location"] == "/staf/instrumen/SPKP/v2/"
    exported = client.get("/staf/instrumen/SPKP/v2/ekspor.json")
    assert exported["Content-Disposition"] == 'attachment; filename="spkp-v2.json"'
    assert json.loads(exported.content)["version"]["indicators"] == doc["version"]["indicators"]


def test_staff_page_shows_field_errors_for_a_malformed_file(org, login):
    doc = spkp_document()
    doc["version"]["number"] = 2
    doc["version"]["indicators"][1]["code"] = ""
    upload = SimpleUploadedFile("bad.json", json.dumps(doc).encode(), content_type="application/json")
    response = login(org.pusat).post("/staf/instrumen/impor/", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<code>version.indicators[1].code</code>: tidak boleh kosong" in page
    assert not InstrumentVersion.objects.filter(instrument__code="SPKP", number=2).exists()


def test_pusat_edits_a_draft_and_publishes_it(org, login):
    client = login(org.pusat)
    client.post("/staf/instrumen/SPKP/v1/draf-baru/")
    data = {"ind-TOTAL_FORMS": "2", "ind-INITIAL_FORMS": "0", "ind-MIN_NUM_FORMS": "0", "ind-MAX_NUM_FORMS": "20",
            "ind-0-code": "Q1", "ind-0-statement": "Pertama", "ind-1-code": "Q2", "ind-1-statement": "Kedua",
            "ind-1-statement_en": "Second"}
    assert client.post("/staf/instrumen/SPKP/v2/ubah/", data).status_code == 302
    draft = InstrumentVersion.objects.get(instrument__code="SPKP", number=2)
    rows = list(draft.indicators.values_list("position", "code", "statement_en"))
    assert rows == [(1, "Q1", ""), (2, "Q2", "Second")]
    client.post("/staf/instrumen/SPKP/v2/status/", {"status": "published"})
    draft.refresh_from_db()
    assert draft.status == "published"
    assert client.get("/staf/instrumen/SPKP/v2/ubah/").status_code == 302  # published: no longer edited in place


def test_duplicate_codes_in_the_editor_are_refused(org, login):
    client = login(org.pusat)
    client.post("/staf/instrumen/SPKP/v1/draf-baru/")
    data = {"ind-TOTAL_FORMS": "2", "ind-INITIAL_FORMS": "0", "ind-MIN_NUM_FORMS": "0", "ind-MAX_NUM_FORMS": "20",
            "ind-0-code": "Q1", "ind-0-statement": "Pertama", "ind-1-code": "Q1", "ind-1-statement": "Kedua"}
    response = client.post("/staf/instrumen/SPKP/v2/ubah/", data)
    assert response.status_code == 400 and "Kode Q1 dipakai dua kali." in response.content.decode()
    assert InstrumentVersion.objects.get(instrument__code="SPKP", number=2).indicators.count() == 8
