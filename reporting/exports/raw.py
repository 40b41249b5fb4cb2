"""The anonymous raw-data sheet: one row per response, for the recap workbook or on its own."""
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reporting.extra_items import items_for_units
from reporting.models import Level
from responses.disclosure import rules_applied, to_hour
from responses.models import AgeBand, Channel, Education, Flag, Occupation, Response, Sex
from surveys.models import ExtraItem, localized

from .rows import count_raw, raw_responses
from .workbook import DATETIME, INT, TEXT, Column, Cover, Sheet, save_workbook


def raw_extra_items(scope, period) -> list[ExtraItem]:
    """The extra items that get a column: those asked in scope; nationally only the Kanwils' items (a UPT's
    own question is read in that UPT's or its Kanwil's export)."""
    items = items_for_units(period, scope.units())
    if scope.level == Level.NATION:
        items = [item for item in items if item.kanwil_id]
    return items


def raw_items(items, *, include_text: bool) -> list[ExtraItem]:
    """The extra items that get a column: short-text ones only when free text is included."""
    return [item for item in items if include_text or item.kind != ExtraItem.Kind.TEXT]


def raw_header(versions, items=(), *, include_text: bool = False) -> list[Column]:
    codes = [i.code for v in versions for i in v.indicators.all()]
    return [
        Column(_("Waktu"), DATETIME, 17),
        Column(_("Kode UPT"), TEXT, 18),
        Column(_("UPT"), TEXT, 30),
        Column(_("Layanan"), TEXT, 26),
        Column(_("Kanal"), TEXT, 16),
        *[Column(code, INT, 8) for code in codes],
        Column(_("Jenis kelamin"), TEXT, 12),
        Column(_("Usia"), TEXT, 12),
        Column(_("Pendidikan"), TEXT, 12),
        Column(_("Pekerjaan"), TEXT, 16),
        Column(_("Status"), TEXT, 14),
        Column(_("Bertanda"), TEXT, 9),
        Column(_("Tanda validitas"), TEXT, 26),
        *([Column(_("Saran"), TEXT, 40)] if include_text else []),
        *[Column(_extra_header(item), TEXT, 24) for item in items],
    ]


def _extra_header(item: ExtraItem) -> str:
    owner = item.unit.name if item.unit_id else item.kanwil.name
    return f"{localized(item, 'prompt')} ({owner})"


def raw_rows(units, period, versions, items=(), *, include_text: bool = False) -> Iterator[list]:
    """Sheet rows (labels in the active language) from the raw-response selector, times coarsened to the
    hour (responses.disclosure); one cell per extra item (the choice's label, or the short text), the
    suggestion and short-text answers only with `include_text` (pass `items` through raw_items)."""
    choices = {str(item.pk): {str(v): label for v, label in item.localized_choices()} for item in items}
    keys = [str(item.pk) for item in items]
    text_keys = [str(item.pk) for item in items if item.kind == ExtraItem.Kind.TEXT]
    english = (get_language() or "id").startswith("en")
    labels = {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in (("channel", Channel), ("sex", Sex), ("age", AgeBand), ("edu", Education),
                              ("job", Occupation), ("status", Response.Status), ("flag", Flag.Rule))
    }
    yes, no = _("Ya"), _("Tidak")
    for (created, unit_code, unit_name, service, service_en, channel, sex, age, edu, job, status, flagged,
         suggestion, extra, rules, *scores) in raw_responses(units, period, versions, text_items=text_keys):
        yield [
            to_hour(created), unit_code, unit_name, (service_en or service) if english else service,
            labels["channel"].get(channel, channel), *scores,
            labels["sex"].get(sex, ""), labels["age"].get(age, ""), labels["edu"].get(edu, ""),
            labels["job"].get(job, ""), labels["status"].get(status, status), yes if flagged else no,
            ", ".join(labels["flag"].get(rule, rule) for rule in rules), *([suggestion] if include_text else []),
            *[_answer(extra.get(key), choices[key]) for key in keys],
        ]


def _answer(value, labels: dict[str, str]) -> str:
    if value in (None, ""):
        return ""
    return labels.get(str(value), str(value))


def raw_sheet(units, period, versions, items=(), *, include_text: bool = False) -> Sheet:
    items = raw_items(items, include_text=include_text)
    return Sheet(title=_("Data mentah"), columns=raw_header(versions, items, include_text=include_text),
                 rows=raw_rows(units, period, versions, items, include_text=include_text), plain=True)


def raw_cover(scope, period, *, include_text: bool, text_reason: str) -> Cover:
    """The raw workbook's first sheet: what it covers and the disclosure rules applied."""
    return Cover(title=_("Data mentah SPAK dan SPKP"),
                 pairs=[(_("Cakupan"), scope.label), (_("Periode"), str(period))],
                 paragraphs=rules_applied(rows=True, text=include_text, reason=text_reason),
                 legend_title="", legend=[], sheet_title=_("Sampul"))


def build_raw_workbook(path: Path, *, scope, period, include_text: bool = False, text_reason: str = "",
                       on_progress: Callable[[int], None] | None = None) -> None:
    units = scope.units()
    on_row = None
    if on_progress:
        total = max(count_raw(units, period), 1)
        on_progress(5)

        def on_row(n):
            on_progress(5 + int(90 * n / total))

    sheet = raw_sheet(units, period, period.versions_in_order(), raw_extra_items(scope, period),
                      include_text=include_text)
    save_workbook(path, cover=raw_cover(scope, period, include_text=include_text, text_reason=text_reason),
                  sheets=[sheet], on_row=on_row)
