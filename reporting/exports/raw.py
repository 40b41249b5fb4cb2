"""The anonymous raw-data sheet: one row per response, for the recap workbook or on its own."""
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from responses.models import AgeBand, Channel, Education, Flag, Occupation, Response, Sex

from .rows import count_raw, raw_responses
from .workbook import DATETIME, INT, TEXT, Column, Sheet, save_workbook


def raw_header(versions) -> list[Column]:
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
        Column(_("Saran"), TEXT, 40),
    ]


def raw_rows(units, period, versions) -> Iterator[list]:
    """Sheet rows (labels in the active language) from the raw-response selector."""
    english = (get_language() or "id").startswith("en")
    labels = {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in (("channel", Channel), ("sex", Sex), ("age", AgeBand), ("edu", Education),
                              ("job", Occupation), ("status", Response.Status), ("flag", Flag.Rule))
    }
    yes, no = _("Ya"), _("Tidak")
    for (created, unit_code, unit_name, service, service_en, channel, sex, age, edu, job, status, flagged,
         suggestion, rules, *scores) in raw_responses(units, period, versions):
        yield [
            created, unit_code, unit_name, (service_en or service) if english else service,
            labels["channel"].get(channel, channel), *scores,
            labels["sex"].get(sex, ""), labels["age"].get(age, ""), labels["edu"].get(edu, ""),
            labels["job"].get(job, ""), labels["status"].get(status, status), yes if flagged else no,
            ", ".join(labels["flag"].get(rule, rule) for rule in rules), suggestion,
        ]


def raw_sheet(units, period, versions) -> Sheet:
    return Sheet(title=_("Data mentah"), columns=raw_header(versions), rows=raw_rows(units, period, versions),
                 plain=True)


def build_raw_workbook(path: Path, *, scope, period, on_progress: Callable[[int], None] | None = None) -> None:
    units = scope.units()
    on_row = None
    if on_progress:
        total = max(count_raw(units, period), 1)
        on_progress(5)

        def on_row(n):
            on_progress(5 + int(90 * n / total))

    save_workbook(path, cover=None, sheets=[raw_sheet(units, period, period.versions_in_order())], on_row=on_row)
