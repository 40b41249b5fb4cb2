"""Streams the rows of a very large sheet straight into an .xlsx that openpyxl has laid out.

openpyxl spends about ten microseconds per cell, which puts 100,000 responses × 26 columns far beyond
the time a user should wait. So openpyxl still writes everything it is good at (styles, column widths,
frozen header, print setup, every other sheet), plus a one-row "probe" in the big sheet whose cells carry
the styles the data needs; this module then rewrites that one worksheet part, copying openpyxl's XML up to
the probe and streaming the data rows in its place, as plain SpreadsheetML text. Text is always written
as an inline string (never a formula); text that would start a formula also gets the quote prefix style.
"""
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

PROBE_MARKER = "__spakspkp_probe_"
EXCEL_EPOCH = datetime(1899, 12, 30)
ONE_DAY = timedelta(days=1)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_STYLE = re.compile(r'<c r="[A-Z]+\d+"(?: s="(\d+)")?')
_CACHE_LIMIT = 50_000  # distinct short strings remembered (unit names, labels...)


class TextCells:
    """The XML of text cells, minus the reference; short values are cached (they repeat on every row)."""

    def __init__(self, quote_style: str | None):
        self.quote = f' s="{quote_style}"' if quote_style else ""
        self.cache: dict[str, str] = {}

    def xml(self, value: str) -> str:
        found = self.cache.get(value)
        if found is not None:
            return found
        text = escape(ILLEGAL_CHARACTERS_RE.sub("", value)).replace("\r", "&#13;")
        space = ' xml:space="preserve"' if value != value.strip() else ""
        quote = self.quote if value.startswith(FORMULA_TRIGGERS) else ""
        fragment = f'"{quote} t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if len(value) <= 80 and len(self.cache) < _CACHE_LIMIT:
            self.cache[value] = fragment
        return fragment


def row_xml(number: int, values: Sequence, letters: list[str], styles: list[str], texts: TextCells) -> str:
    """One <row>: references A{n}, B{n}...; empty cells are left out, as Excel itself does.

    This runs for every cell of the sheet, so it dispatches on exact types (`type(v) is str`), the
    common cases first, and looks text up in the cache before building it.
    """
    suffix = str(number)
    parts = [f'<row r="{suffix}">']
    append, cached = parts.append, texts.cache.get
    for letter, style, value in zip(letters, styles, values, strict=False):
        kind = type(value)
        if kind is str:
            if value:
                append(f'<c r="{letter}{suffix}' + (cached(value) or texts.xml(value)))
        elif kind is int:
            append(f'<c r="{letter}{suffix}"{style}><v>{value}</v></c>')
        elif value is None:
            continue
        elif kind is datetime:
            if value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            append(f'<c r="{letter}{suffix}"{style}><v>{(value - EXCEL_EPOCH) / ONE_DAY!r}</v></c>')
        elif kind is bool:
            append(f'<c r="{letter}{suffix}"{style} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float | Decimal):
            append(f'<c r="{letter}{suffix}"{style}><v>{value}</v></c>')
        else:
            append(f'<c r="{letter}{suffix}' + texts.xml(str(value)))
    append("</row>")
    return "".join(parts)


def splice_rows(path: Path, *, marker: str, rows: Iterable[Sequence], n_columns: int,
                on_row: Callable[[int], None] | None = None) -> int:
    """Replaces the probe row of the sheet holding `marker` with `rows`; returns how many were written."""
    partial = path.with_name(path.name + ".part")
    count, spliced = 0, False
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED,
                                                              compresslevel=1) as target:
            for info in source.infolist():
                data = source.read(info)
                if not (info.filename.startswith("xl/worksheets/") and marker.encode() in data):
                    target.writestr(info, data)
                    continue
                head, _, rest = data.decode("utf-8").partition("<sheetData>")
                body, _, tail = rest.partition("</sheetData>")
                kept_rows = re.findall(r"<row\b.*?</row>", body, flags=re.S)
                probe = kept_rows.pop()
                first = len(kept_rows) + 1
                found = [m.group(1) for m in _STYLE.finditer(probe)]
                styles = [f' s="{s}"' if s else "" for s in found[:n_columns]]
                texts = TextCells(found[n_columns] if len(found) > n_columns else None)
                spliced = True
                letters = [get_column_letter(i) for i in range(1, n_columns + 1)]
                with target.open(info.filename, "w", force_zip64=True) as out:
                    out.write((head + "<sheetData>" + "".join(kept_rows)).encode("utf-8"))
                    chunk = []
                    for count, values in enumerate(rows, start=1):
                        chunk.append(row_xml(first + count - 1, values, letters, styles, texts))
                        if count % 1000 == 0:
                            out.write("".join(chunk).encode("utf-8"))
                            chunk.clear()
                            if on_row is not None:
                                on_row(count)
                    out.write("".join(chunk).encode("utf-8"))
                    last = max(first + count - 1, first - 1)
                    tail = re.sub(r"<autoFilter\b[^>]*?/>|<autoFilter\b.*?</autoFilter>",
                                  f'<autoFilter ref="A{first - 1}:{letters[-1]}{last}"/>' if count else "", tail)
                    out.write(("</sheetData>" + tail).encode("utf-8"))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if not spliced:
        partial.unlink(missing_ok=True)
        raise ValueError(f"no worksheet holds the probe marker {marker!r}")
    partial.replace(path)
    return count
