"""Organisation import: the Kanwil and UPT list from an Excel or CSV template (one row per UPT).

Re-importing updates units and regions in place by their code; a unit missing from the file is deactivated,
never deleted (its responses, targets and audit trail stay). Errors name the spreadsheet row and column; a file
with any error changes nothing.
"""
import io
from dataclasses import dataclass
from datetime import time

import pandas as pd
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .audit import audited
from .models import Kanwil, Unit, UnitKind, UnitService

COLUMNS = ["kode_kanwil", "nama_kanwil", "jenis_kanwil", "provinsi", "kode_upt", "nama_upt", "jenis_upt",
           "kelas", "alamat", "jam_buka", "jam_tutup", "layanan"]
REQUIRED = ["kode_kanwil", "nama_kanwil", "jenis_kanwil", "provinsi", "kode_upt", "nama_upt", "jenis_upt"]
EXAMPLE = ["jateng-pas", "Kanwil Ditjenpas Jawa Tengah", "pas", "Jawa Tengah", "lapas-semarang",
           "Lapas Kelas I Semarang", "lapas", "I", "Jl. Dr. Cipto 62, Semarang", "08:00", "15:00",
           "Kunjungan keluarga; Penitipan barang"]


class OrganisationImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    kanwil_created: int = 0
    units_created: int = 0
    units_updated: int = 0
    units_deactivated: int = 0


def template_workbook() -> bytes:
    """The template offered for download: the header row and one example row."""
    buffer = io.BytesIO()
    pd.DataFrame([EXAMPLE], columns=COLUMNS).to_excel(buffer, index=False, sheet_name="organisasi")
    return buffer.getvalue()


def read_table(content: bytes, filename: str) -> pd.DataFrame:
    """Reads an .xlsx or .csv file as text cells (pandas), the header normalised to lower case."""
    if filename.lower().endswith(".csv"):
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, sep=None, engine="python")
    else:
        frame = pd.read_excel(io.BytesIO(content), dtype=str, keep_default_na=False)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def _time(value: str) -> time | None:
    value = value.strip()
    if not value:
        return None
    hours, _sep, minutes = value.replace(".", ":").partition(":")
    return time(int(hours), int(minutes[:2] or 0))


def _clean_rows(frame: pd.DataFrame) -> tuple[list[dict], list[str]]:
    errors = []
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        return [], [_("Baris 1: kolom %(c)s tidak ada.") % {"c": ", ".join(missing)}]
    kanwil_kinds, unit_kinds = set(Kanwil.Kind.values), set(UnitKind.values)
    rows, seen = [], {}
    for index, raw in enumerate(frame.to_dict("records")):
        line = index + 2  # the header is row 1
        cell = {c: str(raw.get(c, "") or "").strip() for c in COLUMNS}
        if not any(cell.values()):
            continue

        def bad(column, message, line=line):
            errors.append(_("Baris %(r)d, kolom %(c)s: %(m)s") % {"r": line, "c": column, "m": message})

        for column in REQUIRED:
            if not cell[column]:
                bad(column, _("wajib diisi."))
        for column in ("kode_kanwil", "kode_upt"):
            if cell[column] and slugify(cell[column]) != cell[column]:
                bad(column, _("hanya huruf kecil, angka dan tanda hubung."))
        if cell["jenis_kanwil"] and cell["jenis_kanwil"] not in kanwil_kinds:
            bad("jenis_kanwil", _("harus salah satu dari %(v)s.") % {"v": ", ".join(sorted(kanwil_kinds))})
        if cell["jenis_upt"] and cell["jenis_upt"] not in unit_kinds:
            bad("jenis_upt", _("harus salah satu dari %(v)s.") % {"v": ", ".join(sorted(unit_kinds))})
        for column in ("jam_buka", "jam_tutup"):
            try:
                cell[column] = _time(cell[column])
            except ValueError:
                bad(column, _("jam harus ditulis JJ:MM, misalnya 08:00."))
                cell[column] = None
        if cell["kode_upt"] in seen:
            bad("kode_upt", _("kode ini sudah dipakai di baris %(r)d.") % {"r": seen[cell["kode_upt"]]})
        seen[cell["kode_upt"]] = line
        cell["layanan"] = [s.strip() for s in cell["layanan"].split(";") if s.strip()]
        rows.append(cell)
    return rows, errors


@audited
def import_organisation(*, acting_user, content: bytes, filename: str) -> ImportResult:
    """Creates or updates every Kanwil and UPT of the file; deactivates units the file no longer lists."""
    try:
        frame = read_table(content, filename)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's error to fix
        raise OrganisationImportError([_("Berkas tidak dapat dibaca: %(e)s") % {"e": exc}]) from exc
    rows, errors = _clean_rows(frame)
    if errors:
        raise OrganisationImportError(errors)
    result = ImportResult()
    with transaction.atomic():
        kanwils = {}
        for row in rows:
            code = row["kode_kanwil"]
            if code not in kanwils:
                kanwil, created = Kanwil.objects.update_or_create(code=code, defaults={
                    "name": row["nama_kanwil"], "kind": row["jenis_kanwil"], "province": row["provinsi"]})
                kanwils[code] = kanwil
                result.kanwil_created += created
        for row in rows:
            fields = {"kanwil": kanwils[row["kode_kanwil"]], "name": row["nama_upt"], "kind": row["jenis_upt"],
                      "unit_class": row["kelas"], "address": row["alamat"], "opens_at": row["jam_buka"],
                      "closes_at": row["jam_tutup"], "active": True}
            unit = Unit.objects.filter(code=row["kode_upt"]).first()
            if unit is None:
                unit = Unit.objects.create(code=row["kode_upt"], **fields)
                result.units_created += 1
            elif any(getattr(unit, k) != v for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(unit, key, value)
                unit.save()
                result.units_updated += 1
            _sync_services(unit, row["layanan"])
        for unit in Unit.objects.filter(active=True).exclude(code__in=[r["kode_upt"] for r in rows]):
            unit.active = False
            unit.save(update_fields=["active"])
            result.units_deactivated += 1
    return result


def _sync_services(unit: Unit, names: list[str]) -> None:
    """The listed services are active (created when new); an empty list leaves the unit's services as they are."""
    if not names:
        return
    existing = {s.name: s for s in unit.services.all()}
    for name in names:
        service = existing.get(name)
        if service is None:
            UnitService.objects.create(unit=unit, name=name)
        elif not service.active:
            service.active = True
            service.save(update_fields=["active"])
    for name, service in existing.items():
        if name not in names and service.active:
            service.active = False
            service.save(update_fields=["active"])
