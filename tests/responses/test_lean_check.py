"""The lean check of a submission (responses.forms.lean_clean) decides as the full SurveyForm does: for
every body it accepts, the form accepts it too with the same cleaned values; what it refuses goes to the
form, whose messages the respondent sees. And a valid submission stores the same rows either way."""
import pytest
from django.http import QueryDict
from django.utils import translation

from responses.forms import SurveyForm, lean_clean
from responses.models import Response
from responses.questionnaire import lookup, questionnaire_for
from surveys.models import ExtraItem

from .conftest import PHONE_UA, answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_items(survey):
    choice = ExtraItem.objects.create(
        period=survey.period, kanwil=survey.org.jateng, kind=ExtraItem.Kind.CHOICE, required=True,
        prompt="Dari mana Anda tahu survei ini?",
        choices=[{"value": "poster", "label": "Poster QR"}, {"value": 7, "label": "Petugas"}])
    text = ExtraItem.objects.create(period=survey.period, unit=survey.unit, kind=ExtraItem.Kind.TEXT,
                                    required=False, prompt="Nomor loket?")
    return choice, text


def _query(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in data.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return query


def test_lean_check_accepts_what_the_form_accepts_with_the_same_values(survey, extra_items):
    choice, text = extra_items
    questionnaire = questionnaire_for(*lookup(survey.counter.token))
    base = {"service": str(survey.visit.pk), **answers_for(survey.versions), f"x{choice.pk}": "poster"}
    first = f"q{survey.spak.pk}_1"
    bodies = {
        "complete": {**base, "sex": "m", "age_band": "lt20", "education": "sd", "occupation": "pns", "steered": "ya",
                     "suggestion": "  Antrean lama. ", f"x{text.pk}": " 3 ", f"x{choice.pk}": "7"},
        "only required": base,
        "empty optional fields": {**base, "sex": "", "steered": "", "suggestion": "   ", f"x{text.pk}": ""},
        "steered no": {**base, "steered": "tidak"},
        "two values, the last counts": {**base, first: ["1", "4"], "service": ["x", str(survey.visit.pk)]},
        "suggestion at the limit": {**base, "suggestion": "a" * 500},
        "unknown fields ignored": {**base, "bahasa_x": "1", "extra": "y"},
        # Refused by both (the lean check hands these to the form):
        "no service": {**base, "service": ""},
        "another unit's service": {**base, "service": "999999"},
        "score outside the scale": {**base, first: "5"},
        "score with a leading zero": {**base, first: "04"},
        "score missing": {k: v for k, v in base.items() if k != first},
        "unknown sex": {**base, "sex": "x"},
        "steered maybe": {**base, "steered": "mungkin"},
        "suggestion too long": {**base, "suggestion": "a" * 501},
        "NUL in the suggestion": {**base, "suggestion": "a\x00b"},
        "required extra item missing": {k: v for k, v in base.items() if k != f"x{choice.pk}"},
        "unknown extra choice": {**base, f"x{choice.pk}": "radio"},
        "extra text too long": {**base, f"x{text.pk}": "b" * 201},
        "honeypot filled": {**base, "situs_web": "http://spam"},
    }
    accepted = set()
    for label, data in bodies.items():
        query = _query(data)
        for language in ("id", "en"):
            with translation.override(language):
                form = SurveyForm.for_questionnaire(questionnaire)(query)
                lean = lean_clean(questionnaire, query)
                if lean is not None:
                    assert form.is_valid(), label
                    assert lean == form.cleaned_data, label
                    accepted.add(label)
                elif label != "honeypot filled":  # the view answers the honeypot before either check
                    assert not form.is_valid(), label
    assert accepted == {"complete", "only required", "empty optional fields", "steered no",
                        "two values, the last counts", "suggestion at the limit", "unknown fields ignored"}


def test_a_lean_checked_submission_stores_what_was_answered(client, survey, fill, extra_items):
    choice, text = extra_items
    data = fill(**answers_for(survey.versions, {(survey.spkp.pk, 2): 1}), sex="m", steered="ya",
                suggestion=" Terima kasih ", **{f"x{choice.pk}": "7", f"x{text.pk}": " 3 "})
    page = client.post(survey.url, data, HTTP_USER_AGENT=PHONE_UA)
    assert page.status_code == 303
    response = Response.objects.get()
    assert (response.sex, response.steered, response.suggestion, response.age_band) == ("m", True, "Terima kasih", "")
    assert response.extra_answers == {str(choice.pk): "7", str(text.pk): "3"}
    spkp = response.scoresheets.get(version=survey.spkp)
    assert spkp.scores(8) == [3, 1, 3, 3, 3, 3, 3, 3]
