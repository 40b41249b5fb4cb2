"""The instrument JSON format "spakspkp-instrument/1" (docs/instrument-format.md): export and validation.

`validate_document` checks a parsed document and names the field of every problem
(e.g. `version.indicators[2].statement`); it touches no database. `export_version` turns a stored
version back into a document. Writing an imported document is `surveys.services.import_instrument`.
"""
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

FORMAT = "spakspkp-instrument/1"
MAX_INDICATORS = 20  # the same limit as surveys.models.MAX_INDICATORS (Scoresheet columns)
MAX_SCALE_POINTS = 11
STATUSES = ("draft", "published", "retired")

TOP_FIELDS = {"format", "code", "name", "name_en", "index_code", "index_name", "index_name_en", "position", "version"}
VERSION_FIELDS = {"number", "status", "scale", "bands", "min_seconds_per_item", "indicators"}
SCALE_FIELDS = {"min", "max", "labels"}
LABEL_FIELDS = {"value", "label", "label_en"}
BAND_FIELDS = {"code", "min", "max", "label", "label_en"}
INDICATOR_FIELDS = {"code", "statement", "statement_en", "help_text", "help_text_en"}


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self):
        return f"{self.field}: {self.message}"


class InstrumentFormatError(ValueError):
    """The document is not a valid instrument; `problems` names each faulty field."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def load_document(raw: str | bytes) -> dict:
    """Parses JSON text, then validates it; raises InstrumentFormatError naming the field or line."""
    try:
        doc = json.loads(raw)
    except UnicodeDecodeError:
        raise InstrumentFormatError([FieldProblem("(berkas)", _("bukan teks UTF-8"))]) from None
    except json.JSONDecodeError as exc:
        raise InstrumentFormatError(
            [FieldProblem("(berkas)", _("JSON tidak sah di baris %(line)d kolom %(col)d: %(msg)s")
                          % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg})]
        ) from None
    validate_document(doc)
    return doc


class _Checker:
    def __init__(self):
        self.problems: list[FieldProblem] = []

    def add(self, field: str, message: str) -> None:
        self.problems.append(FieldProblem(field, message))

    def unknown(self, obj: dict, allowed: set[str], prefix: str) -> None:
        for key in sorted(set(obj) - allowed):
            self.add(f"{prefix}{key}", _("kolom tidak dikenal"))

    def text(self, obj: dict, key: str, prefix: str, *, required=True, max_length=None) -> None:
        field = f"{prefix}{key}"
        if key not in obj:
            if required:
                self.add(field, _("wajib diisi"))
            return
        value = obj[key]
        if not isinstance(value, str):
            self.add(field, _("harus berupa teks"))
        elif required and not value.strip():
            self.add(field, _("tidak boleh kosong"))
        elif max_length and len(value) > max_length:
            self.add(field, _("paling banyak %(n)d karakter") % {"n": max_length})

    def integer(self, obj: dict, key: str, prefix: str, *, required=True, minimum=None) -> int | None:
        field = f"{prefix}{key}"
        if key not in obj:
            if required:
                self.add(field, _("wajib diisi"))
            return None
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(field, _("harus berupa bilangan bulat"))
            return None
        if minimum is not None and value < minimum:
            self.add(field, _("tidak boleh kurang dari %(n)d") % {"n": minimum})
            return None
        return value

    def decimal(self, obj: dict, key: str, prefix: str, *, low: Decimal, high: Decimal) -> Decimal | None:
        field = f"{prefix}{key}"
        if key not in obj:
            self.add(field, _("wajib diisi"))
            return None
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.add(field, _("harus berupa angka desimal, misalnya \"88.31\""))
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.add(field, _("harus berupa angka desimal, misalnya \"88.31\""))
            return None
        if not number.is_finite() or not low <= number <= high:
            self.add(field, _("harus di antara %(low)s dan %(high)s") % {"low": low, "high": high})
            return None
        return number

    def mapping(self, obj: dict, key: str, prefix: str) -> dict | None:
        value = obj.get(key)
        if key not in obj:
            self.add(f"{prefix}{key}", _("wajib diisi"))
        elif not isinstance(value, dict):
            self.add(f"{prefix}{key}", _("harus berupa objek JSON {...}"))
        else:
            return value
        return None

    def listing(self, obj: dict, key: str, prefix: str) -> list | None:
        value = obj.get(key)
        if key not in obj:
            self.add(f"{prefix}{key}", _("wajib diisi"))
        elif not isinstance(value, list):
            self.add(f"{prefix}{key}", _("harus berupa daftar JSON [...]"))
        else:
            return value
        return None


def validate_document(doc) -> None:
    """Raises InstrumentFormatError listing every problem, each with the path of its field."""
    c = _Checker()
    if not isinstance(doc, dict):
        raise InstrumentFormatError([FieldProblem("(berkas)", _("harus berupa objek JSON {...}"))])
    if doc.get("format") != FORMAT:
        c.add("format", _("harus \"%(format)s\"") % {"format": FORMAT})
    c.unknown(doc, TOP_FIELDS, "")
    c.text(doc, "code", "", max_length=20)
    if isinstance(doc.get("code"), str) and doc["code"] and not doc["code"].replace("-", "").replace("_", "").isalnum():
        c.add("code", _("hanya huruf, angka, tanda minus atau garis bawah"))
    for key, required, length in (("name", True, 200), ("name_en", False, 200), ("index_code", True, 20),
                                  ("index_name", True, 200), ("index_name_en", False, 200)):
        c.text(doc, key, "", required=required, max_length=length)
    c.integer(doc, "position", "", required=False, minimum=0)
    version = c.mapping(doc, "version", "")
    if version is not None:
        _validate_version(c, version)
    if c.problems:
        raise InstrumentFormatError(c.problems)


def _validate_version(c: _Checker, version: dict) -> None:
    p = "version."
    c.unknown(version, VERSION_FIELDS, p)
    c.integer(version, "number", p, minimum=1)
    if "status" in version and version["status"] not in STATUSES:
        c.add(p + "status", _("harus salah satu dari: %(choices)s") % {"choices": ", ".join(STATUSES)})
    if "min_seconds_per_item" in version:
        c.decimal(version, "min_seconds_per_item", p, low=Decimal(0), high=Decimal("999.99"))
    scale = c.mapping(version, "scale", p)
    if scale is not None:
        _validate_scale(c, scale)
    bands = c.listing(version, "bands", p)
    if bands is not None:
        _validate_bands(c, bands)
    indicators = c.listing(version, "indicators", p)
    if indicators is not None:
        _validate_indicators(c, indicators)


def _validate_scale(c: _Checker, scale: dict) -> None:
    p = "version.scale."
    c.unknown(scale, SCALE_FIELDS, p)
    low, high = c.integer(scale, "min", p), c.integer(scale, "max", p)
    if low is None or high is None:
        low = high = None
    else:
        if high <= low:
            c.add(p + "max", _("harus lebih besar dari version.scale.min"))
            low = high = None
        elif high - low + 1 > MAX_SCALE_POINTS:
            c.add(p + "max", _("skala paling banyak %(n)d titik") % {"n": MAX_SCALE_POINTS})
            low = high = None
    labels = c.listing(scale, "labels", p)
    if labels is None:
        return
    seen = []
    for i, label in enumerate(labels):
        lp = f"{p}labels[{i}]."
        if not isinstance(label, dict):
            c.add(lp[:-1], _("harus berupa objek JSON {...}"))
            continue
        c.unknown(label, LABEL_FIELDS, lp)
        value = c.integer(label, "value", lp)
        c.text(label, "label", lp, max_length=100)
        c.text(label, "label_en", lp, required=False, max_length=100)
        if value is not None:
            if value in seen:
                c.add(lp + "value", _("nilai %(v)d muncul dua kali") % {"v": value})
            seen.append(value)
            if low is not None and not low <= value <= high:
                c.add(lp + "value", _("di luar skala %(low)d–%(high)d") % {"low": low, "high": high})
    if low is not None and high is not None:
        missing = [v for v in range(low, high + 1) if v not in seen]
        if missing:
            c.add(p + "labels", _("label belum ada untuk nilai: %(values)s")
                  % {"values": ", ".join(str(v) for v in missing)})


def _validate_bands(c: _Checker, bands: list) -> None:
    p = "version.bands"
    if not bands:
        c.add(p, _("paling sedikit satu kategori"))
    codes, ranges = [], []
    for i, band in enumerate(bands):
        bp = f"{p}[{i}]."
        if not isinstance(band, dict):
            c.add(bp[:-1], _("harus berupa objek JSON {...}"))
            continue
        c.unknown(band, BAND_FIELDS, bp)
        c.text(band, "code", bp, max_length=5)
        c.text(band, "label", bp, max_length=100)
        c.text(band, "label_en", bp, required=False, max_length=100)
        if band.get("code") in codes:
            c.add(bp + "code", _("kode kategori muncul dua kali"))
        codes.append(band.get("code"))
        low = c.decimal(band, "min", bp, low=Decimal(0), high=Decimal(100))
        high = c.decimal(band, "max", bp, low=Decimal(0), high=Decimal(100))
        if low is not None and high is not None:
            if high < low:
                c.add(bp + "max", _("tidak boleh lebih kecil dari min"))
            else:
                for j, (other_low, other_high) in ranges:
                    if low <= other_high and other_low <= high:
                        c.add(bp + "min", _("rentang bertumpang tindih dengan version.bands[%(j)d]") % {"j": j})
                ranges.append((i, (low, high)))


def _validate_indicators(c: _Checker, indicators: list) -> None:
    p = "version.indicators"
    if not 1 <= len(indicators) <= MAX_INDICATORS:
        c.add(p, _("harus berisi 1 sampai %(n)d indikator") % {"n": MAX_INDICATORS})
    codes = []
    for i, indicator in enumerate(indicators):
        ip = f"{p}[{i}]."
        if not isinstance(indicator, dict):
            c.add(ip[:-1], _("harus berupa objek JSON {...}"))
            continue
        c.unknown(indicator, INDICATOR_FIELDS, ip)
        c.text(indicator, "code", ip, max_length=20)
        c.text(indicator, "statement", ip)
        for key in ("statement_en", "help_text", "help_text_en"):
            c.text(indicator, key, ip, required=False)
        code = indicator.get("code")
        if isinstance(code, str) and code:
            if code in codes:
                c.add(ip + "code", _("kode %(code)s muncul dua kali") % {"code": code})
            codes.append(code)


def export_version(version) -> dict:
    """A stored InstrumentVersion (with its instrument and indicators) as a format document."""
    instrument = version.instrument
    return {
        "format": FORMAT,
        "code": instrument.code,
        "name": instrument.name,
        "name_en": instrument.name_en,
        "index_code": instrument.index_code,
        "index_name": instrument.index_name,
        "index_name_en": instrument.index_name_en,
        "position": instrument.position,
        "version": {
            "number": version.number,
            "status": version.status,
            "scale": {"min": version.scale_min, "max": version.scale_max, "labels": list(version.scale_labels)},
            "bands": list(version.bands),
            "min_seconds_per_item": str(Decimal(version.min_seconds_per_item).quantize(Decimal("0.01"))),
            "indicators": [
                {
                    "code": ind.code,
                    "statement": ind.statement,
                    "statement_en": ind.statement_en,
                    "help_text": ind.help_text,
                    "help_text_en": ind.help_text_en,
                }
                for ind in version.indicators.order_by("position")
            ],
        },
    }


def dump_document(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
