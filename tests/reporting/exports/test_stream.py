"""Large sheets streamed into openpyxl's layout: values, types, styles and filters survive a reopen."""
from datetime import datetime
from decimal import Decimal

import openpyxl

from reporting.exports.workbook import DATETIME, DEC2, INT, TEXT, Column, Sheet, save_workbook

COLUMNS = [Column("Waktu", DATETIME, 17), Column("Nama", TEXT, 20), Column("Nilai", INT, 8),
           Column("NRR", DEC2, 8), Column("Catatan", TEXT, 30)]


def build(tmp_path, rows):
    path = tmp_path / "big.xlsx"
    save_workbook(path, cover=None, sheets=[Sheet(title="Data", columns=COLUMNS, rows=iter(rows), plain=True)])
    return openpyxl.load_workbook(path)["Data"]


def test_streamed_rows_keep_types_and_formats(tmp_path):
    ws = build(tmp_path, [
        (datetime(2026, 10, 5, 9, 30), "Lapas <Semarang> & co", 4, Decimal("3.50"), "  spasi di tepi "),
        (datetime(2026, 10, 6, 23, 59), "Rutan", None, None, "baris\r\nbaru\x01"),
    ])
    assert [c.value for c in ws[1]] == ["Waktu", "Nama", "Nilai", "NRR", "Catatan"]
    assert ws[1][0].font.bold and ws.freeze_panes == "A2"
    first, second = list(ws.iter_rows(min_row=2, values_only=True))
    assert first == (datetime(2026, 10, 5, 9, 30), "Lapas <Semarang> & co", 4, 3.5, "  spasi di tepi ")
    assert second == (datetime(2026, 10, 6, 23, 59), "Rutan", None, None, "baris\r\nbaru")
    assert ws["A2"].number_format == "yyyy-mm-dd hh:mm" and ws["D2"].number_format == "0.00"
    assert ws.auto_filter.ref == "A1:E3"
    assert ws.page_setup.orientation == "landscape" and ws.column_dimensions["E"].width == 30


def test_streamed_text_that_looks_like_a_formula_stays_text(tmp_path):
    ws = build(tmp_path, [(None, "=1+1", 1, None, '=HYPERLINK("http://contoh.invalid")'),
                          (None, "+62812", 2, None, "@SUM(A1)")])
    for ref in ("B2", "E2", "B3", "E3"):
        assert ws[ref].data_type == "s" and ws[ref].quotePrefix
    assert ws["E2"].value == '=HYPERLINK("http://contoh.invalid")'
    assert not ws["B2"].value.startswith("'")


def test_empty_streamed_sheet_has_only_its_header(tmp_path):
    ws = build(tmp_path, [])
    assert ws.max_row == 1 and not ws.auto_filter.ref


def test_splicing_without_a_probe_fails_loudly_and_leaves_no_partial_file(tmp_path):
    import pytest

    from reporting.exports.stream import splice_rows

    path = tmp_path / "plain.xlsx"
    save_workbook(path, cover=None, sheets=[Sheet(title="Kecil", columns=COLUMNS, rows=[])])
    with pytest.raises(ValueError, match="probe marker"):
        splice_rows(path, marker="__nothing__", rows=[], n_columns=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.xlsx"]
