"""Entering service counts (people served per service and day): from the staff form or an Excel/CSV upload.

A row names a day (or a range of days, the same count on each day), a service of the unit and a count. Rows
are stored with `record_counts`, audited; an upload is read with pandas and refused whole, with the row and
the column of each error, when any row is wrong. The template is the same sheet filled with what is stored,
so it round-trips.
"""
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audited
from .models import ServiceCount, Unit, UnitService

MAX_RANGE_DAYS = 31
MAX_COUNT = 100_000
COLUMNS = ("tanggal", "layanan", "jumlah")  # the upload's header, as in the template


@dataclass(frozen=True)
class CountRow:
    service: UnitService
    first_day: date
    last_day: date
    served: int

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=k) for k in range((self.last_day - self.first_day).days + 1)]


@audited
@transaction.atomic
def record_counts(*, unit: Unit, rows: list[CountRow], acting_user) -> int:
    """Stores each row's count on each of its days (a later entry replaces the day's count); returns how many
    day counts were written. Every change is in the audit trail."""
    written = 0
    for row in rows:
        if row.service.unit_id != unit.pk:
            raise ValueError("service belongs to another unit")
        for day in row.days():
            ServiceCount.objects.update_or_create(service=row.service, day=day, defaults={"served": row.served})
            written += 1
    return written


# --------------------------------------------------------------------------- the odd-day rule
def odd_day(*, served: int | None, responses: int) -> bool:
    """The single definition of an odd day ("hari janggal") of a service at a unit that records service counts:
    more counted responses than people served, or any response on a day with no or zero recorded service.
    Used by the dashboards (reporting/service_rates.py) and the review-window job (responses/windows.py)."""
    return responses > (served or 0)


def served_by_day(units, first_day: date, last_day: date) -> dict[tuple[int, int, date], int]:
    """People served per (unit id, service id, day) as entered, for the days of the range."""
    rows = (ServiceCount.objects.filter(service__unit__in=units, day__range=(first_day, last_day))
            .values_list("service__unit_id", "service_id", "day", "served"))
    return {(u, s, d): n for u, s, d, n in rows}


def check_range(first_day: date, last_day: date | None, *, today: date) -> tuple[date, list[str]]:
    """The range's last day and the problems with it (shared by the form and the upload)."""
    last_day = last_day or first_day
    problems = []
    if last_day < first_day:
        problems.append(_("Tanggal akhir sebelum tanggal awal."))
    elif (last_day - first_day).days + 1 > MAX_RANGE_DAYS:
        problems.append(_("Rentang paling lama %(n)d hari.") % {"n": MAX_RANGE_DAYS})
    if last_day > today:
        problems.append(_("Tanggal di masa depan."))
    return last_day, problems


# --------------------------------------------------------------------------- upload and template
def _frame(data: bytes, filename: str) -> pd.DataFrame:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl").fillna("")
    return pd.read_csv(io.BytesIO(data), dtype=str, sep=None, engine="python", encoding="utf-8-sig").fillna("")


def _day(text: str) -> date | None:
    text = text.strip()[:10]
    for parse in (date.fromisoformat, lambda t: date(int(t[6:10]), int(t[3:5]), int(t[0:2]))):
        try:
            return parse(text)
        except (ValueError, IndexError):
            continue
    return None


def parse_upload(data: bytes, filename: str, *, unit: Unit, today: date | None = None
                 ) -> tuple[list[CountRow], list[str]]:
    """The rows of an uploaded sheet, or the errors, each naming its row (as the spreadsheet numbers it,
    the header being row 1) and its column. Rows without a count are skipped (the template's blanks)."""
    today = today or timezone.localdate()
    try:
        frame = _frame(data, filename)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        return [], [_("Berkas tidak dapat dibaca: unggah .xlsx atau .csv dari templat.")]
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        return [], [_("Kolom tidak ada: %(cols)s.") % {"cols": ", ".join(missing)}]
    services = {s.name.strip().lower(): s for s in unit.services.filter(active=True)}
    rows, errors = [], []
    for index, record in enumerate(frame.to_dict("records")):
        line = index + 2
        raw_count = str(record["jumlah"]).strip()
        if not raw_count:  # a blank row, or the template's blank row of a service
            continue

        def error(column, message, line=line):
            errors.append(_("Baris %(row)d, kolom %(col)s: %(msg)s") % {"row": line, "col": column, "msg": message})

        day = _day(str(record["tanggal"]))
        if day is None:
            error("tanggal", _("tanggal tidak dikenali (tulis 2026-10-05 atau 05/10/2026)."))
        elif day > today:
            error("tanggal", _("tanggal di masa depan."))
        service = services.get(str(record["layanan"]).strip().lower())
        if service is None:
            error("layanan", _("layanan tidak dikenal di UPT ini."))
        try:
            served = int(float(raw_count.replace(",", ".")))
            if served != float(raw_count.replace(",", ".")) or not 0 <= served <= MAX_COUNT:
                raise ValueError
        except ValueError:
            served = None
            error("jumlah", _("bukan bilangan bulat 0 sampai %(max)d.") % {"max": MAX_COUNT})
        if day is not None and day <= today and service is not None and served is not None:
            rows.append(CountRow(service=service, first_day=day, last_day=day, served=served))
    return (rows if not errors else []), errors


def template_rows(unit: Unit, *, first_day: date, last_day: date) -> list[dict]:
    """What is stored for the days, then one blank row per active service for the next entry."""
    stored = (ServiceCount.objects.filter(service__unit=unit, day__range=(first_day, last_day))
              .select_related("service").order_by("day", "service__name"))
    rows = [{"tanggal": c.day.isoformat(), "layanan": c.service.name, "jumlah": c.served} for c in stored]
    rows += [{"tanggal": "", "layanan": s.name, "jumlah": ""} for s in unit.services.filter(active=True)]
    return rows


def template_file(unit: Unit, *, first_day: date, last_day: date, kind: str) -> bytes:
    frame = pd.DataFrame(template_rows(unit, first_day=first_day, last_day=last_day), columns=list(COLUMNS))
    if kind == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="jumlah_layanan")
        services = pd.DataFrame({"layanan": [s.name for s in unit.services.filter(active=True)]})
        services.to_excel(writer, index=False, sheet_name="daftar_layanan")
    return buffer.getvalue()
