"""Units and Kanwil add their own unscored items; staff preview the unit's questionnaire as respondents see it."""
import pytest

from surveys.models import ExtraItem
from tests.factories import make_period

pytestmark = pytest.mark.django_db


def test_officer_adds_a_choice_item_shown_after_the_official_statements(org, login, period):
    client = login(org.officer_semarang)
    response = client.post(f"/staf/upt/lapas-semarang/butir-tambahan/?periode={period.pk}", {
        "kind": "choice", "prompt": "Dari mana Anda tahu layanan ini?", "prompt_en": "How did you hear of it?",
        "choices_text": "Papan informasi | Notice board\nMedia sosial\nTeman", "position": "1",
    })
    assert response.status_code == 302
    item = ExtraItem.objects.get()
    assert (item.unit, item.kanwil, item.period) == (org.semarang, None, period)
    assert item.choices[0] == {"value": "papan-informasi", "label": "Papan informasi", "label_en": "Notice board"}
    page = client.get(f"/staf/upt/lapas-semarang/pratinjau/?periode={period.pk}").content.decode()
    assert "PRATINJAU" in page
    assert page.index("SPAK5") < page.index("SPKP8") < page.index("Dari mana Anda tahu layanan ini?")
    assert "Sangat tidak setuju" in page and "Media sosial" in page


def test_choice_item_needs_two_choices_and_text_items_are_optional(org, login, period):
    client = login(org.officer_semarang)
    response = client.post("/staf/upt/lapas-semarang/butir-tambahan/", {
        "kind": "choice", "prompt": "Puas?", "choices_text": "Ya", "position": "0"})
    assert response.status_code == 400 and "paling sedikit dua pilihan" in response.content.decode()
    client.post("/staf/upt/lapas-semarang/butir-tambahan/", {
        "kind": "text", "prompt": "Saran singkat", "required": "on", "position": "0"})
    item = ExtraItem.objects.get()
    assert (item.kind, item.required, item.choices) == ("text", False, [])


def test_kanwil_item_reaches_every_unit_of_the_region_only(org, login, period):
    login(org.kanwil_jateng).post("/staf/kanwil/jateng-pas/butir-tambahan/", {
        "kind": "text", "prompt": "Pertanyaan Kanwil Jateng", "position": "0"})
    assert ExtraItem.objects.get().kanwil == org.jateng
    client = login(org.pusat)
    assert "Pertanyaan Kanwil Jateng" in client.get("/staf/upt/rutan-surakarta/pratinjau/").content.decode()
    assert "Pertanyaan Kanwil Jateng" not in client.get("/staf/upt/lapas-yogyakarta/pratinjau/").content.decode()


def test_effective_items_are_kanwil_first_then_unit_and_only_active_ones_of_the_period(org, period):
    later = make_period(name="Triwulan I 2027", status="scheduled")
    unit_item = ExtraItem.objects.create(period=period, unit=org.semarang, kind="text", prompt="U", position=0)
    kanwil_item = ExtraItem.objects.create(period=period, kanwil=org.jateng, kind="text", prompt="K", position=5)
    ExtraItem.objects.create(period=period, unit=org.semarang, kind="text", prompt="off", active=False)
    ExtraItem.objects.create(period=later, unit=org.semarang, kind="text", prompt="later")
    ExtraItem.objects.create(period=period, unit=org.surakarta, kind="text", prompt="other unit")
    assert list(ExtraItem.objects.effective_for(org.semarang, period)) == [kanwil_item, unit_item]


def test_officer_cannot_switch_off_the_kanwils_item(org, login, period):
    item = ExtraItem.objects.create(period=period, kanwil=org.jateng, kind="text", prompt="K")
    assert login(org.officer_semarang).post(f"/staf/butir-tambahan/{item.pk}/status/").status_code == 404
    assert login(org.kanwil_diy).post(f"/staf/butir-tambahan/{item.pk}/status/").status_code == 404
    response = login(org.kanwil_jateng).post(f"/staf/butir-tambahan/{item.pk}/status/")
    assert response["Location"] == f"/staf/kanwil/jateng-pas/butir-tambahan/?periode={period.pk}"
    item.refresh_from_db()
    assert item.active is False


def test_a_free_text_item_warns_the_unit_and_may_not_ask_for_a_name_or_phone(org, login, period):
    client = login(org.officer_semarang)
    url = f"/staf/upt/lapas-semarang/butir-tambahan/?periode={period.pk}"
    for prompt in ("Tulis nama dan nomor HP Anda", "Nomor WA untuk dihubungi", "Your phone number"):
        refused = client.post(url, {"kind": "text", "prompt": prompt, "position": "0"})
        assert refused.status_code == 400 and "Survei ini anonim" in refused.content.decode()
    assert not ExtraItem.objects.exists()
    response = client.post(url, {"kind": "text", "prompt": "Apa yang perlu diperbaiki?", "position": "0"},
                           follow=True)
    html = response.content.decode()
    assert ExtraItem.objects.get().kind == "text"
    assert "jawabannya bisa mengenali responden" in html and "berkelompok dan tertunda" in html
    # A choice item about a name of a service is not a text item: no warning, no refusal.
    response = client.post(url, {"kind": "choice", "prompt": "Nama layanan yang dipakai?", "position": "1",
                                 "choices_text": "Kunjungan\nTitipan"}, follow=True)
    assert "jawabannya bisa mengenali responden" not in response.content.decode()
