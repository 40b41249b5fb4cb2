"""The raw-data CSV: UTF-8 with BOM for Excel, neutralised formulas, same rows as the raw sheet."""
import csv

import pytest

from reporting.exports.csv import build_raw_csv, csv_safe
from reporting.exports.rows import Scope

from .conftest import INJECTION

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+62 812", "'+62 812"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Baik sekali", "Baik sekali"), (4, 4), (None, ""),
])
def test_csv_safe_neutralises_formula_triggers(value, expected):
    assert csv_safe(value) == expected


def test_raw_csv_has_bom_headers_and_safe_text(dataset, org, tmp_path):
    path = tmp_path / "data.csv"
    build_raw_csv(path, scope=Scope("kanwil", kanwil=org.jateng), period=dataset.period, include_text=True,
                  text_reason="uji")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0].startswith("Aturan keterbukaan data") and "Alasan: uji" in rows[2][0] and rows[3] == []
    rows = rows[4:]
    header = rows[0]
    assert header[:5] == ["Waktu", "Kode UPT", "UPT", "Layanan", "Kanal"]
    assert len(rows) == 10  # header + 9 responses of Jateng
    first = dict(zip(header, rows[1], strict=True))
    assert first["Waktu"] == "2026-10-05 09:00:00"
    assert first["Saran"] == "'" + INJECTION
    assert first["Jenis kelamin"] == "Laki-laki"
    assert [first[f"SPKP{i}"] for i in range(1, 9)] == ["4", "4", "3", "4", "4", "3", "4", "4"]
    assert "–" in raw.decode("utf-8-sig")  # "20–29 tahun": non-ASCII survives
