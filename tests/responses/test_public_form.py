"""The respondent's form: what it shows, what it stores, and how it answers bad input."""
import gzip
import hashlib

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from responses.devices import COOKIE_NAME, period_salt
from responses.models import Response, Scoresheet
from surveys.models import AccessPoint, ExtraItem, Period

from . import hooks
from .conftest import PHONE_UA, answers_for, token_from

pytestmark = pytest.mark.django_db


def test_form_shows_unit_statements_scale_and_preselected_service(client, survey):
    page = client.get(survey.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lapas Kelas I Semarang" in html
    assert "Tanpa nama dan tanpa nomor telepon" in html
    for version in survey.versions:
        for indicator in version.indicators.all():
            assert indicator.statement in html
            assert f'name="q{version.pk}_{indicator.position}"' in html
    assert html.count('type="radio"') >= 13 * 4
    assert "Sangat tidak setuju" in html and "Sangat setuju" in html
    assert f'value="{survey.visit.pk}" id="id_service_0" required checked' in html.replace("\n", " ")
    assert "<select" not in html  # radio groups, not dropdowns
    assert "bootstrap" not in html


def test_form_sets_an_httponly_lax_device_cookie(client, survey):
    page = client.get(survey.url)
    cookie = page.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert 0 < int(cookie["max-age"]) <= (survey.period.ends_on - survey.period.starts_on).days * 24 * 3600 + 86400
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]


def test_valid_submission_stores_response_and_scoresheets_and_thanks(
    client, survey, fill, django_capture_on_commit_callbacks
):
    scores = {(survey.spak.pk, 1): 4, (survey.spak.pk, 5): 2, (survey.spkp.pk, 8): 1}
    data = fill(**answers_for(survey.versions, scores), sex="f", age_band="30-39", education="sma",
                occupation="wiraswasta", steered="tidak", suggestion="  Ruang tunggu perlu kipas.  ")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(survey.url, data, HTTP_USER_AGENT=PHONE_UA)
    assert page.status_code == 303 and page["Location"] == survey.thanks_url

    response = Response.objects.get()
    assert (response.unit, response.access_point, response.service, response.period) == (
        survey.unit, survey.counter, survey.visit, survey.period)
    assert response.channel == "qr" and response.status == "accepted"
    # Submitted within a second of opening the form: kept and counted, but flagged for review.
    assert response.flagged is True and "too_fast" in set(response.flags.values_list("rule", flat=True))
    assert (response.sex, response.age_band, response.education, response.occupation) == (
        "f", "30-39", "sma", "wiraswasta")
    assert response.steered is False and response.suggestion == "Ruang tunggu perlu kipas."
    assert response.device_class == "mobile" and 0 <= response.completion_seconds < 60
    device_id = client.cookies[COOKIE_NAME].value
    assert response.device_hash == hashlib.sha256((period_salt(survey.period.pk) + device_id).encode()).hexdigest()

    spak = Scoresheet.objects.get(response=response, version=survey.spak)
    spkp = Scoresheet.objects.get(response=response, version=survey.spkp)
    assert spak.scores(5) == [4, 3, 3, 3, 2] and spak.score_6 is None
    assert spkp.scores(8) == [3, 3, 3, 3, 3, 3, 3, 1]
    for sheet in (spak, spkp):
        assert (sheet.period, sheet.unit, sheet.service, sheet.status, sheet.flagged) == (
            survey.period, survey.unit, survey.visit, "accepted", True)
    survey.spak.refresh_from_db()
    assert survey.spak.frozen
    assert hooks.calls == [{"unit_id": survey.unit.pk, "period_id": survey.period.pk}]

    thanks = client.get(survey.thanks_url)
    assert thanks.status_code == 200
    assert "Jawaban Anda untuk Lapas Kelas I Semarang sudah kami terima" in thanks.content.decode()
    assert 'http-equiv="refresh"' not in thanks.content.decode()


def test_stored_response_holds_no_ip_or_user_agent(client, survey, fill):
    client.post(survey.url, fill(), HTTP_USER_AGENT=PHONE_UA, REMOTE_ADDR="203.0.113.77")
    response = Response.objects.get()
    stored = [str(getattr(response, f.attname)) for f in Response._meta.concrete_fields]
    assert not any("203.0.113.77" in value or "Android" in value or "Mozilla" in value for value in stored)
    field_names = {f.name for f in Response._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user_agent", "name", "phone"}
    assert response.device_class == "mobile"


def test_english_switch_shows_english_statements_and_scale(client, survey):
    client.cookies["django_language"] = "en"
    html = client.get(survey.url).content.decode()
    indicator = survey.spak.indicators.get(position=1)
    assert indicator.statement_en and indicator.statement_en in html
    assert "Strongly agree" in html and "Kunjungan keluarga (en)" in html
    assert 'lang="en"' in html


def test_first_load_is_small(client, survey):
    html = client.get(survey.url).content
    css = open(finders.find("css/form.css"), "rb").read()  # noqa: SIM115
    assert len(gzip.compress(html)) + len(gzip.compress(css)) <= 60 * 1024
    assert len(html) + len(css) <= 60 * 1024  # even uncompressed
    assert b"<script" not in html and b"http://" not in html.replace(b"http://testserver", b"")


def test_form_page_is_under_30_kb_and_served_compressed_without_a_csrf_token(client, survey):
    for language in ("id", "en"):
        client.cookies["django_language"] = language
        plain = client.get(survey.url)
        assert "Content-Encoding" not in plain and len(plain.content) <= 30 * 1024
        assert b"csrfmiddlewaretoken" not in plain.content  # nothing secret for BREACH to recover
        packed = client.get(survey.url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
        assert len(packed.content) <= 8 * 1024
        assert gzip.decompress(packed.content).count(b'type="radio"') == plain.content.count(b'type="radio"')


def test_form_is_divided_into_numbered_parts(client, survey):
    html = client.get(survey.url).content.decode()
    for number, title in enumerate(["Layanan", "Survei Persepsi Anti Korupsi (SPAK)",
                                    "Survei Persepsi Kualitas Pelayanan (SPKP)", "Tentang Anda (opsional)",
                                    "Penutup"], start=1):
        assert f'<span class="step">Bagian {number} dari 5</span> {title}</h2>' in html
        assert f'<progress class="bar" max="5" value="{number}" aria-hidden="true"></progress>' in html


def test_language_buttons_re_render_the_posted_answers_without_storing(client, survey, fill):
    data = fill(suggestion="Antrean lama", sex="f", bahasa="en")
    del data[f"q{survey.spkp.pk}_3"]
    page = client.post(survey.url, data)
    html = page.content.decode()
    assert page.status_code == 200 and 'lang="en"' in html and "Send answers" in html
    assert page.cookies["django_language"].value == "en"
    assert f'value="{data["token"]}"' in html  # the same form: same key and opening time
    assert f'name="q{survey.spak.pk}_1" value="3" id="id_q{survey.spak.pk}_1_2" required checked' in html
    assert 'value="f" id="id_sex_1" checked' in html and ">Antrean lama</textarea>" in html
    assert "needs correcting" not in html and 'class="err"' not in html
    assert Response.objects.count() == 0


def test_kiosk_form_always_opens_in_indonesian(client, survey):
    client.cookies["django_language"] = "en"
    page = client.get(survey.kiosk_url)
    assert 'lang="id"' in page.content.decode() and page.cookies["django_language"].value == ""
    assert client.get(survey.url).content.decode().count('lang="en"') >= 1  # other access points keep it


# --------------------------------------------------------------------------- bad input
def _assert_refused(page, field, message):
    html = page.content.decode()
    assert page.status_code == 400
    assert f'id="e-{field}"' in html, f"no message at {field}"
    assert message in html
    assert Response.objects.count() == 0 and Scoresheet.objects.count() == 0
    return html


def test_missing_item_is_refused_with_message_at_the_item_and_answers_kept(client, survey, fill):
    missing = f"q{survey.spkp.pk}_3"
    data = fill(suggestion="Antrean lama", sex="m")
    del data[missing]
    html = _assert_refused(client.post(survey.url, data), missing, "Pilih salah satu jawaban untuk pernyataan ini.")
    assert f'href="#f-{missing}"' in html  # the summary links to the item
    spak = survey.spak.pk
    assert f'name="q{spak}_1" value="3" id="id_q{spak}_1_2" required checked' in html
    assert "Antrean lama</textarea>" in html and 'value="m" id="id_sex_0" checked' in html
    assert token_from(client.post(survey.url, data)) == data["token"]  # same form, same key


@pytest.mark.parametrize("value", ["5", "0", "-1", "abc", "3.5"])
def test_score_outside_the_scale_is_refused(client, survey, fill, value):
    field = f"q{survey.spak.pk}_2"
    _assert_refused(client.post(survey.url, fill(**{field: value})), field, "Jawaban harus salah satu nilai skala 1–4.")


def test_unknown_service_is_refused(client, survey, fill):
    other_unit_service = survey.org.surakarta.services.first()
    _assert_refused(client.post(survey.url, fill(service=str(other_unit_service.pk))), "service",
                    "Layanan ini tidak dikenal di unit ini.")
    _assert_refused(client.post(survey.url, fill(service="")), "service", "Pilih layanan yang baru saja Anda terima.")


def test_unknown_demographic_band_and_overlong_suggestion_are_refused(client, survey, fill):
    _assert_refused(client.post(survey.url, fill(age_band="99")), "age_band", "Pilihan ini tidak dikenal.")
    _assert_refused(client.post(survey.url, fill(suggestion="x" * 501)), "suggestion",
                    "Saran paling banyak 500 karakter (sekarang 501).")


def test_required_extra_item_of_the_kanwil_is_asked_and_checked(client, survey, fill):
    item = ExtraItem.objects.create(
        period=survey.period, kanwil=survey.org.jateng, kind=ExtraItem.Kind.CHOICE, required=True,
        prompt="Dari mana Anda tahu survei ini?", prompt_en="How did you hear of this survey?",
        choices=[{"value": "poster", "label": "Poster QR", "label_en": "QR poster"},
                 {"value": "petugas", "label": "Diberi tahu petugas", "label_en": "Told by an officer"}],
    )
    ExtraItem.objects.create(period=survey.period, unit=survey.org.yogyakarta, kind="text",
                             prompt="Bukan untuk Semarang")
    assert "Bukan untuk Semarang" not in client.get(survey.url).content.decode()
    _assert_refused(client.post(survey.url, fill()), f"x{item.pk}", "Pertanyaan ini wajib dijawab.")
    client.post(survey.url, fill(**{f"x{item.pk}": "poster"}))
    assert Response.objects.get().extra_answers == {str(item.pk): "poster"}


def test_unknown_or_disabled_token_gets_a_friendly_404(client, survey):
    page = client.get(reverse("public_form", kwargs={"token": "tidak-ada"}))
    assert page.status_code == 404 and "Formulir tidak ditemukan" in page.content.decode()
    AccessPoint.objects.filter(pk=survey.counter.pk).update(enabled=False)
    page = client.post(survey.url, answers_for(survey.versions))
    assert page.status_code == 404 and "tidak aktif" in page.content.decode()
    assert Response.objects.count() == 0


def test_closed_period_shows_a_page_and_refuses_answers(client, survey, fill):
    data = fill()
    Period.objects.filter(pk=survey.period.pk).update(status=Period.Status.CLOSED)
    page = client.get(survey.url)
    html = page.content.decode()
    assert page.status_code == 200 and "Survei sedang tidak dibuka" in html
    assert 'name="token"' not in html and "Kirim jawaban" not in html
    assert "sudah ditutup" in html
    posted = client.post(survey.url, data)
    assert posted.status_code == 409 and Response.objects.count() == 0


def test_not_yet_open_period_says_when_it_opens(client, survey):
    from datetime import date

    Period.objects.filter(pk=survey.period.pk).update(status=Period.Status.CLOSED)
    Period.objects.create(name="Triwulan I 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31))
    html = client.get(survey.url).content.decode()
    assert "Triwulan I 2027" in html and "1 Januari 2027" in html


def test_english_pages_are_complete(client, survey, fill):
    client.cookies["django_language"] = "en"
    html = client.get(survey.url).content.decode()
    for text in ("The service you have just received", "About you (optional)", "Send answers",
                 "Did an officer ask you to give particular answers", "No name and no phone number"):
        assert text in html
    data = fill()
    del data[f"q{survey.spak.pk}_1"]
    refused = client.post(survey.url, data).content.decode()
    assert "Choose one answer for this statement." in refused and "1 answer needs correcting" in refused
    client.post(survey.url, fill())
    thanks = client.get(survey.thanks_url).content.decode()
    assert "We have received your answers for Lapas Kelas I Semarang." in thanks
    assert "Anti-Corruption Perception Index (IPAK)" in thanks
