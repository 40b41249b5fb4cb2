"""The respondent's form, built from a Questionnaire: service, rated statements, bands, extra items."""
import copy
from dataclasses import dataclass

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from surveys.models import ExtraItem, localized, localized_label

from .models import AgeBand, Education, Occupation, Sex
from .questionnaire import Questionnaire

SUGGESTION_MAX_LENGTH = 500
EXTRA_TEXT_MAX_LENGTH = 200
HONEYPOT_FIELD = "situs_web"
UNKNOWN_CHOICE = {"invalid_choice": _("Pilihan ini tidak dikenal.")}


def choice_label(choice: dict) -> str:
    """A JSON choice's label in the active language, else its value."""
    return localized_label(choice, default=str(choice.get("value")))


def statement_field_name(version_id: int, position: int) -> str:
    return f"q{version_id}_{position}"


class _SharedFields(dict):
    """A fields dict whose deep copy (BaseForm.__init__ makes one per form) is a shallow one."""

    def __deepcopy__(self, memo):
        return dict(self)


@dataclass
class Item:
    number: int
    statement: str
    help_text: str
    field: forms.BoundField


@dataclass(frozen=True)
class Step:
    """One part of the form as the respondent sees it: "Bagian 2 dari 5" and a static progress bar."""
    number: int
    total: int


@dataclass
class Section:
    title: str
    scale_hint: str
    items: list[Item]
    step: Step | None = None


class SurveyForm(forms.Form):
    """Every field is a labelled radio group (or a short text); answers come back as typed values."""

    service = forms.TypedChoiceField(
        label=_("Layanan yang baru saja Anda terima"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih layanan yang baru saja Anda terima."),
            "invalid_choice": _("Layanan ini tidak dikenal di unit ini. Pilih salah satu dari daftar."),
        },
    )
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, required=False, widget=forms.RadioSelect,
                            error_messages=UNKNOWN_CHOICE)
    age_band = forms.ChoiceField(label=_("Usia"), choices=AgeBand.choices, required=False, widget=forms.RadioSelect,
                                 error_messages=UNKNOWN_CHOICE)
    education = forms.ChoiceField(label=_("Pendidikan terakhir"), choices=Education.choices, required=False,
                                  widget=forms.RadioSelect, error_messages=UNKNOWN_CHOICE)
    occupation = forms.ChoiceField(label=_("Pekerjaan"), choices=Occupation.choices, required=False,
                                   widget=forms.RadioSelect, error_messages=UNKNOWN_CHOICE)
    suggestion = forms.CharField(
        label=_("Saran untuk perbaikan layanan (opsional)"),
        required=False,
        max_length=SUGGESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Jangan tulis nama, nomor telepon atau nomor identitas."),
        error_messages={"max_length": _("Saran paling banyak %(limit_value)d karakter (sekarang %(show_value)d).")},
    )
    steered = forms.TypedChoiceField(
        label=_("Apakah ada petugas yang meminta Anda memberi jawaban tertentu atau mengawasi Anda saat mengisi?"),
        choices=[("ya", _("Ya")), ("tidak", _("Tidak"))],
        coerce=lambda value: value == "ya",
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages=UNKNOWN_CHOICE,
    )
    # Hidden from people by the stylesheet; a bot that fills every field gives itself away.
    situs_web = forms.CharField(label=_("Jangan isi kolom ini"), required=False)

    questionnaire: Questionnaire
    statement_fields: list[tuple[int, int, str]] = []  # (version id, position, field name)

    @classmethod
    def for_questionnaire(cls, questionnaire: Questionnaire) -> type["SurveyForm"]:
        """The form class of one questionnaire in the active language, built once per worker and language
        (building twenty choice fields costs more than the rest of a submission's Python work)."""
        language = get_language() or "id"
        built = questionnaire.form_classes.get(language)
        if built is None:
            built = type("QuestionnaireForm", (cls,), cls._fields_for(questionnaire))
            # The fields of a built form never change per instance (choices and messages are fixed here), so
            # instances share them instead of deep-copying some twenty choice fields on every request.
            built.base_fields = _SharedFields(built.base_fields)
            questionnaire.form_classes[language] = built
        return built

    @classmethod
    def _fields_for(cls, questionnaire: Questionnaire) -> dict:
        service = copy.deepcopy(cls.base_fields["service"])
        service.choices = [(s.pk, localized(s, "name")) for s in questionnaire.services]
        attrs = {"questionnaire": questionnaire, "statement_fields": [], "service": service}
        for version in questionnaire.versions:
            labels = {int(c["value"]): choice_label(c) for c in version.scale_labels if "value" in c}
            choices = [
                (value, labels.get(value, str(value))) for value in range(version.scale_min, version.scale_max + 1)
            ]
            out_of_scale = _("Jawaban harus salah satu nilai skala %(min)d–%(max)d.") % {
                "min": version.scale_min, "max": version.scale_max}
            for indicator in version.indicators.all():
                name = statement_field_name(version.pk, indicator.position)
                attrs[name] = forms.TypedChoiceField(
                    label=localized(indicator, "statement"),
                    choices=choices,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": _("Pilih salah satu jawaban untuk pernyataan ini."),
                        "invalid_choice": out_of_scale,
                    },
                )
                attrs["statement_fields"].append((version.pk, indicator.position, name))
        for item in questionnaire.extra_items:
            attrs[f"x{item.pk}"] = cls._extra_field(item)
        return attrs

    @staticmethod
    def _extra_field(item: ExtraItem) -> forms.Field:
        label = localized(item, "prompt")
        messages = {"required": _("Pertanyaan ini wajib dijawab."), **UNKNOWN_CHOICE}
        if item.kind == ExtraItem.Kind.CHOICE:
            return forms.ChoiceField(
                label=label, required=item.required, widget=forms.RadioSelect, error_messages=messages,
                choices=[(str(c["value"]), choice_label(c)) for c in item.choices if "value" in c],
            )
        messages["max_length"] = _("Paling banyak %(limit_value)d karakter (sekarang %(show_value)d).")
        return forms.CharField(
            label=label, required=item.required, max_length=EXTRA_TEXT_MAX_LENGTH, error_messages=messages
        )

    # ------------------------------------------------------------------ for the template
    def sections(self) -> list[Section]:
        result, number = [], 0
        for version in self.questionnaire.versions:
            items = []
            for indicator in version.indicators.all():
                number += 1
                items.append(Item(number, localized(indicator, "statement"), localized(indicator, "help_text"),
                                  self[statement_field_name(version.pk, indicator.position)]))
            low, high = version.scale_labels[:1], version.scale_labels[-1:]
            hint = ""
            if low and high:
                hint = _("Skala %(min)d (%(low)s) sampai %(max)d (%(high)s).") % {
                    "min": version.scale_min, "low": choice_label(low[0]),
                    "max": version.scale_max, "high": choice_label(high[0]),
                }
            instrument = version.instrument
            title = f"{localized(instrument, 'name')} ({instrument.code})"
            result.append(Section(title, hint, items, self.steps()[f"v{version.pk}"]))
        return result

    def steps(self) -> dict[str, Step]:
        """The form's parts in order: the service, one per instrument, the unit's extra items (if any),
        about you, and the closing questions (suggestion)."""
        names = ["service", *(f"v{v.pk}" for v in self.questionnaire.versions)]
        if self.questionnaire.extra_items:
            names.append("extra")
        names += ["about", "closing"]
        return {name: Step(number, len(names)) for number, name in enumerate(names, start=1)}

    def demographic_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("sex", "age_band", "education", "occupation")]

    def extra_fields(self) -> list[forms.BoundField]:
        return [self[f"x{item.pk}"] for item in self.questionnaire.extra_items]

    def error_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.errors if name in self.fields]

    # ------------------------------------------------------------------ typed results
    def answers(self) -> dict[int, dict[int, int]]:
        return answers_of(self.questionnaire, self.cleaned_data)

    def extra_answers(self) -> dict[str, str]:
        return extra_answers_of(self.questionnaire, self.cleaned_data)

    def honeypot_filled(self) -> bool:
        return honeypot_filled(self.data)


def _statement_fields(questionnaire: Questionnaire) -> list[tuple[int, int, str]]:
    """(version id, position, field name) of every statement, in order; kept with the questionnaire."""
    fields = questionnaire.form_classes.get("statements")
    if fields is None:
        fields = questionnaire.form_classes["statements"] = [
            (version.pk, indicator.position, statement_field_name(version.pk, indicator.position))
            for version in questionnaire.versions for indicator in version.indicators.all()]
    return fields


def answers_of(questionnaire: Questionnaire, cleaned: dict) -> dict[int, dict[int, int]]:
    """{version id: {position: score}} from cleaned data."""
    result: dict[int, dict[int, int]] = {}
    for version_id, position, name in _statement_fields(questionnaire):
        result.setdefault(version_id, {})[position] = cleaned[name]
    return result


def extra_answers_of(questionnaire: Questionnaire, cleaned: dict) -> dict[str, str]:
    answers = {}
    for item in questionnaire.extra_items:
        value = cleaned.get(f"x{item.pk}")
        if value not in (None, ""):
            answers[str(item.pk)] = value
    return answers


def honeypot_filled(data) -> bool:
    return bool(data.get(HONEYPOT_FIELD, "").strip())


# ---------------------------------------------------------------------- the lean check of a submission
# A submission's happy path: every posted value checked against the questionnaire's allowed values by dict
# lookups, without a form instance, its bound fields and twenty fields' clean() chains (a tenth of a
# submission's Python time). It decides exactly as SurveyForm does for valid data and returns the same
# cleaned values; for anything it does not accept it returns None and the view runs the full form, whose
# error messages the respondent then sees. tests/responses/test_public_form.py holds both to the same answers.
_CHOICE, _TEXT = "choice", "text"


def _plan(questionnaire: Questionnaire) -> list[tuple]:
    """(field name, kind, required, allowed values {posted text: cleaned value} or max length), per worker."""
    plan = questionnaire.form_classes.get("lean")
    if plan is not None:
        return plan
    plan = [("service", _CHOICE, True, {str(s.pk): s.pk for s in questionnaire.services})]
    for name, choices in (("sex", Sex), ("age_band", AgeBand), ("education", Education),
                          ("occupation", Occupation)):
        plan.append((name, _CHOICE, False, {str(value): str(value) for value in choices.values}))
    plan.append(("suggestion", _TEXT, False, SUGGESTION_MAX_LENGTH))
    plan.append(("steered", _CHOICE, False, {"ya": True, "tidak": False}))
    plan.append((HONEYPOT_FIELD, _TEXT, False, 0))  # filled: the view's honeypot answer, never stored
    scales = {v.pk: {str(value): value for value in range(v.scale_min, v.scale_max + 1)}
              for v in questionnaire.versions}
    plan += [(name, _CHOICE, True, scales[version_id]) for version_id, _, name in _statement_fields(questionnaire)]
    for item in questionnaire.extra_items:
        if item.kind == ExtraItem.Kind.CHOICE:
            plan.append((f"x{item.pk}", _CHOICE, item.required,
                         {str(c["value"]): str(c["value"]) for c in item.choices if "value" in c}))
        else:
            plan.append((f"x{item.pk}", _TEXT, item.required, EXTRA_TEXT_MAX_LENGTH))
    questionnaire.form_classes["lean"] = plan
    return plan


_EMPTY = {"service": "", "sex": "", "age_band": "", "education": "", "occupation": "", "steered": None}


def lean_clean(questionnaire: Questionnaire, data) -> dict | None:
    """SurveyForm(data).cleaned_data of a valid submission, or None when the full form must judge it."""
    cleaned = {}
    for name, kind, required, allowed in _plan(questionnaire):
        value = data.get(name)
        if kind == _CHOICE:
            if value is None or value == "":
                if required:
                    return None
                cleaned[name] = _EMPTY.get(name, "")
                continue
            typed = allowed.get(value)
            if typed is None:
                return None
            cleaned[name] = typed
        else:
            value = "" if value is None else value.strip()
            if not value:
                if required:
                    return None
            elif len(value) > allowed or "\x00" in value:  # the honeypot allows nothing (length 0)
                return None
            cleaned[name] = value
    return cleaned
