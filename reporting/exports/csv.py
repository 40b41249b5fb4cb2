"""The anonymous raw data as CSV: UTF-8 with a byte-order mark, so Excel reads Indonesian text right.

The file opens with the disclosure rules applied (one line each, then an empty line), then the header row.
Every text field is quoted, and a formula trigger is neutralised wherever a spreadsheet could start a
formula: at the start of the cell and after a delimiter (`,` `;` — Indonesian Excel splits on `;`), a quote,
a line break or a tab.
"""
import csv
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from responses.disclosure import rules_applied

from .raw import raw_extra_items, raw_header, raw_items, raw_rows
from .rows import count_raw

# A position where a spreadsheet may start reading a formula, followed by a character that starts one.
_FORMULA_START = re.compile(r"(?:^|(?<=[,;\"\n\r\t]))(?=[=+\-@\t\r])")


def neutralise(text: str) -> str:
    """`text` with a quote (') before every formula trigger that a spreadsheet could evaluate."""
    return _FORMULA_START.sub("'", text)


def csv_safe(value):
    """A CSV field that no spreadsheet will evaluate: numbers as they are (written unquoted), anything else
    as neutralised text (written quoted)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return neutralise(str(value))


def build_raw_csv(path: Path, *, scope, period, include_text: bool = False, text_reason: str = "",
                  on_progress: Callable[[int], None] | None = None) -> None:
    units = scope.units()
    versions = period.versions_in_order()
    items = raw_items(raw_extra_items(scope, period), include_text=include_text)
    total = max(count_raw(units, period), 1) if on_progress else 1
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC)
        for line in rules_applied(rows=True, text=include_text, reason=text_reason):
            writer.writerow([csv_safe(line)])
        writer.writerow([])
        writer.writerow([csv_safe(c.header) for c in raw_header(versions, items, include_text=include_text)])
        for n, row in enumerate(raw_rows(units, period, versions, items, include_text=include_text), start=1):
            writer.writerow([csv_safe(v) for v in row])
            if on_progress and n % 5000 == 0:
                on_progress(int(95 * n / total))
