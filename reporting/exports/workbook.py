"""Lays plain sheet rows into an .xlsx file with the house formatting; knows nothing of the database.

Every workbook is written in openpyxl's write-only mode (nothing is held in memory); the rows of a large
data sheet are streamed into the saved file by stream.splice_rows.
"""
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from .stream import FORMULA_TRIGGERS, PROBE_MARKER, splice_rows

TEXT, INT, DEC2, PCT, DATETIME, DATE, CATEGORY = "text", "int", "dec2", "pct", "datetime", "date", "category"
# Format codes, not rendered text: Excel and LibreOffice show them with the reader's own decimal and thousands
# separators (3,50 in an Indonesian locale, 3.50 in an English one), so cells hold numbers, never strings.
NUMBER_FORMATS = {INT: "#,##0", DEC2: "0.00", PCT: "0.00%", DATETIME: "yyyy-mm-dd hh:mm", DATE: "yyyy-mm-dd"}
# Category (mutu pelayanan) colours, the conventional traffic-light of Indonesian service-quality reports.
CATEGORY_FILLS = {
    "A": PatternFill("solid", fgColor="C6EFCE"),
    "B": PatternFill("solid", fgColor="DDEBF7"),
    "C": PatternFill("solid", fgColor="FFEB9C"),
    "D": PatternFill("solid", fgColor="FFC7CE"),
}
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
PAPER_A4 = "9"  # the paperSize code of A4 in SpreadsheetML
COVER_LINE_CHARS = 100  # fits the cover's three columns (30 + 22 + 60 characters wide)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 12


@dataclass
class Sheet:
    """One worksheet: optional title lines, a header row, data rows and emphasised total rows."""

    title: str
    columns: list[Column]
    rows: Iterable[Sequence]
    title_lines: list[str] = field(default_factory=list)
    total_rows: list[Sequence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # A large data sheet: header row only, then rows streamed by stream.splice_rows without per-cell
    # styling (no total rows or notes).
    plain: bool = False

    @property
    def header_row(self) -> int:
        return len(self.title_lines) + (2 if self.title_lines else 1)


@dataclass
class Cover:
    """The first sheet: label/value pairs, free paragraphs and a category legend."""

    title: str
    pairs: list[tuple[str, str]]
    paragraphs: list[str]
    legend_title: str
    legend: list[tuple[str, str, str]]  # (code, range, label)
    sheet_title: str = "Sampul"


def text_cell(ws, value: str, **style) -> WriteOnlyCell:
    """A cell that always holds `value` as text, never as a formula, even if it starts with '='."""
    cell = WriteOnlyCell(ws, value=value)
    if value.startswith(FORMULA_TRIGGERS):
        # openpyxl turned it into a formula; make it a string again, and mark it with Excel's
        # quote prefix so that editing the cell later does not turn it into a formula either.
        cell.data_type = "s"
        cell.quotePrefix = True
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def _cell(ws, value, column: Column, *, bold=False, grid=True):
    if isinstance(value, str):
        cell = text_cell(ws, value)
    else:
        cell = WriteOnlyCell(ws, value=value)
        if column.kind in NUMBER_FORMATS and value is not None:
            cell.number_format = NUMBER_FORMATS[column.kind]
    if column.kind == TEXT and isinstance(value, str) and len(value) > column.width:
        cell.alignment = WRAP  # long names wrap inside their column instead of being clipped on paper
    if column.kind == CATEGORY and value in CATEGORY_FILLS:
        cell.fill = CATEGORY_FILLS[value]
        cell.alignment = Alignment(horizontal="center")
    if bold:
        cell.font = BOLD
    if grid:
        cell.border = GRID
    return cell


def _probe_row(ws, sheet: Sheet, marker: str) -> list:
    """One cell per column styled as that column's data, then a quoted text cell, then the marker."""
    row = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=datetime(2000, 1, 1) if column.kind == DATETIME else 0)
        if column.kind in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[column.kind]
        row.append(cell)
    return [*row, text_cell(ws, "=probe"), marker]


def _header_footer(ws, title: str) -> None:
    """Printed pages carry the sheet's title at the top and "Halaman x dari y" at the bottom."""
    from django.utils.translation import gettext as _

    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = _("Halaman &P dari &N")
    ws.oddFooter.center.size = 9
    ws.oddFooter.right.text = "&A"
    ws.oddFooter.right.size = 8


def _setup_page(ws, sheet: Sheet) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"A{sheet.header_row + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{sheet.header_row}:{sheet.header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    _header_footer(ws, sheet.title_lines[0] if sheet.title_lines else sheet.title)


def write_sheet(wb: Workbook, sheet: Sheet, *, on_row=None) -> int:
    """Appends one worksheet; returns the number of data rows written. `on_row(n)` is called every 1,000."""
    ws = wb.create_sheet(sheet.title)
    _setup_page(ws, sheet)
    for line_no, line in enumerate(sheet.title_lines):
        ws.append([text_cell(ws, line, font=TITLE_FONT if line_no == 0 else BOLD)])
    if sheet.title_lines:
        ws.append([])
    header = []
    for column in sheet.columns:
        cell = text_cell(ws, column.header, font=HEADER_FONT, fill=HEADER_FILL, border=GRID)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    ws.append(header)
    if sheet.plain:
        # Rows are streamed in after saving (stream.splice_rows); leave a styled probe row for them.
        ws.append(_probe_row(ws, sheet, _marker(sheet)))
        ws.auto_filter.ref = f"A{sheet.header_row}:{get_column_letter(len(sheet.columns))}{sheet.header_row + 1}"
        return 0
    count = 0
    for values in sheet.rows:
        ws.append([_cell(ws, v, c) for v, c in zip(values, sheet.columns, strict=True)])
        count += 1
        if on_row is not None and count % 1000 == 0:
            on_row(count)
    for values in sheet.total_rows:
        ws.append([_cell(ws, v, c, bold=True) for v, c in zip(values, sheet.columns, strict=True)])
    if count:
        # Filter over data rows only, so sorting never moves the total rows.
        ws.auto_filter.ref = (
            f"A{sheet.header_row}:{get_column_letter(len(sheet.columns))}{sheet.header_row + count}"
        )
    if sheet.notes:
        ws.append([])
        for note in sheet.notes:
            ws.append([text_cell(ws, note)])
    return count


def write_cover(wb: Workbook, cover: Cover) -> None:
    ws = wb.create_sheet(cover.sheet_title)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 60
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    _header_footer(ws, cover.title)
    ws.append([text_cell(ws, cover.title, font=TITLE_FONT)])
    ws.append([])
    for label, value in cover.pairs:
        ws.append([text_cell(ws, label, font=BOLD), text_cell(ws, value)])
    ws.append([])
    for paragraph in cover.paragraphs:
        # Short lines rather than one wrapped cell: write-only sheets cannot merge cells, and a long line
        # would run past the printed page.
        for line in textwrap.wrap(paragraph, COVER_LINE_CHARS):
            ws.append([text_cell(ws, line)])
    ws.append([])
    ws.append([text_cell(ws, cover.legend_title, font=BOLD)])
    for code, band_range, label in cover.legend:
        code_cell = text_cell(ws, code, font=BOLD, border=GRID, alignment=Alignment(horizontal="center"))
        if code in CATEGORY_FILLS:
            code_cell.fill = CATEGORY_FILLS[code]
        ws.append([code_cell, text_cell(ws, band_range, border=GRID), text_cell(ws, label, border=GRID)])


def _marker(sheet: Sheet) -> str:
    return f"{PROBE_MARKER}{id(sheet)}__"


def save_workbook(path: Path, *, cover: Cover | None, sheets: Iterable[Sheet], on_row=None) -> None:
    """Writes the cover and the sheets, in order, to `path`. Sheets may be produced lazily; the rows of
    `plain` (large) sheets are streamed in after openpyxl has saved the rest."""
    wb = Workbook(write_only=True)
    if cover is not None:
        write_cover(wb, cover)
    streamed = []
    for sheet in sheets:
        write_sheet(wb, sheet, on_row=on_row)
        if sheet.plain:
            streamed.append(sheet)
    wb.save(path)
    for sheet in streamed:
        splice_rows(path, marker=_marker(sheet), rows=sheet.rows, n_columns=len(sheet.columns), on_row=on_row)
