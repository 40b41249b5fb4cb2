"""The anonymous raw data as CSV: UTF-8 with a byte-order mark, so Excel reads Indonesian text right."""
import csv
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .raw import raw_extra_items, raw_header, raw_rows
from .rows import count_raw
from .workbook import FORMULA_TRIGGERS


def csv_safe(value) -> str:
    """A CSV field that no spreadsheet will evaluate: text that could start a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def build_raw_csv(path: Path, *, scope, period, on_progress: Callable[[int], None] | None = None) -> None:
    units = scope.units()
    versions = period.versions_in_order()
    items = raw_extra_items(scope, period)
    total = max(count_raw(units, period), 1) if on_progress else 1
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([csv_safe(c.header) for c in raw_header(versions, items)])
        for n, row in enumerate(raw_rows(units, period, versions, items), start=1):
            writer.writerow([csv_safe(v) for v in row])
            if on_progress and n % 5000 == 0:
                on_progress(int(95 * n / total))
