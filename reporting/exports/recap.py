"""Turns recap data (current snapshots, targets, demographics) into the recap workbook's sheets."""
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reporting.extra_items import scope_extra_results
from reporting.followups.selectors import action_plan_rows
from reporting.models import Level
from reporting.restricted import ticketed_hidden
from reporting.uncertainty import category_text
from responses.disclosure import Suppressed, cell, is_small, rules_applied
from surveys.models import ExtraItem, localized, localized_label

from .raw import raw_extra_items, raw_sheet
from .rows import IndexTable, RecapData, Scope, count_raw, indicator_nrr, recap_data
from .workbook import CATEGORY, DATE, DEC2, INT, PCT, TEXT, Column, Cover, Sheet, save_workbook


def _when(moment: datetime | None) -> str:
    if moment is None:
        return _("belum dihitung")
    return date_format(timezone.localtime(moment), "j F Y, H:i T")


def _number(value) -> str:
    """A band limit as text in the reader's language (88,31 in Indonesian, 88.31 in English)."""
    return number_format(Decimal(str(value)), 2)


def participation(n: int, target: int) -> Decimal | None:
    """Counted responses ÷ target sample, as a fraction (formatted as a percentage)."""
    return Decimal(n) / Decimal(target) if target else None


def _count(n, restricted: bool):
    """A count cell under the disclosure policy: "< k" (text) for a restricted reader's small cell."""
    value = cell(n, restricted=restricted)
    return str(value) if isinstance(value, Suppressed) else value


def _share(n, total, restricted: bool):
    return None if restricted and is_small(n) else participation(n, total)


def cover(data: RecapData, *, now: datetime, restricted: bool = False, raw: bool = False, raw_text: bool = False,
          text_reason: str = "") -> Cover:
    versions = "; ".join(
        f"{v.instrument.code} v{v.number} ({v.instrument.index_code}: {v.instrument.index_name}, "
        f"{_('skala')} {v.scale_min}–{v.scale_max})"
        for v in data.versions
    )
    level_names = {Level.UNIT: _("UPT"), Level.KANWIL: _("Kanwil"), Level.NATION: _("Nasional")}
    period = data.period
    bands = data.versions[0].bands if data.versions else []
    return Cover(
        sheet_title=_("Sampul"),
        title=_("Rekapitulasi SPAK dan SPKP"),
        pairs=[
            (_("Cakupan"), data.scope.label),
            (_("Tingkat"), str(level_names[data.scope.level])),
            (_("Periode"), f"{period.name} ({date_format(period.starts_on, 'j M Y')} – "
                           f"{date_format(period.ends_on, 'j M Y')})"),
            (_("Versi instrumen"), versions),
            (_("Indeks dihitung pada"), _when(data.computed_at)),
            (_("Status angka"), _("Final (periode ditutup)") if data.finals else _("Sementara")),
            (_("Respons dihitung"), str(data.n_responses)),
            (_("Berkas disusun pada"), _when(now)),
        ],
        paragraphs=[
            _("IPAK: Indeks Persepsi Anti Korupsi (dari SPAK, Survei Persepsi Anti Korupsi); bukan Indeks "
              "Perilaku Anti Korupsi BPS. IPKP: Indeks Persepsi Kualitas Pelayanan (dari SPKP)."),
            _("NRR per indikator = rata-rata nilai dari respons yang dihitung. NRR gabungan = jumlah NRR "
              "indikator × 1/n (bobot sama). Indeks = NRR pada skala instrumen."),
            _("IK (indeks konversi) = NRR × 25 pada skala 1–4 (rentang 25–100); skala lain dipetakan dulu "
              "secara linear ke 1–4."),
            _("Angka Kanwil dan nasional dihitung gabungan dari semua respons yang dihitung (berbobot "
              "responden); rata-rata UPT tanpa bobot ditampilkan terpisah."),
            _("Respons dihitung = diterima dan tidak ditolak peninjau. Respons bertanda tetap dihitung; "
              "angka tanpa respons bertanda ditampilkan berdampingan."),
            _("Angka hanya respons bertiket: indeks yang sama dari respons dihitung yang masuk dengan tiket "
              "survei (bukti layanan benar terjadi), dengan porsinya dari semua respons dihitung."),
            _("Pembulatan sekali, dua desimal, setengah ke atas; kategori dibaca dari IK yang telah "
              "dibulatkan. Sumber: Permenpan RB 14/2017."),
            *rules_applied(suppressed=restricted, rows=raw, text=raw and raw_text, reason=text_reason),
        ],
        legend_title=_("Kategori mutu pelayanan (berdasarkan IK)"),
        legend=[(b["code"], f"{_number(b['min'])}–{_number(b['max'])}", localized_label(b)) for b in bands],
    )


def category_range(snap) -> str:
    """ "B, mungkin A" when the IK's 95 % interval touches another category, else the category alone."""
    codes = [c for c in (snap.ik_categories_95 or "").split(",") if c]
    return category_text(codes, _("mungkin")) if codes else snap.category


def ticketed_figures(snap, restricted: bool) -> list:
    """NRR, IK, category, count and share of the ticket-verified figure; for a restricted reader the figure is
    left out when either the ticket responses or the others are 1 to k-1 (reporting.restricted)."""
    share = participation(snap.n_ticketed, snap.n_counted)
    if restricted and ticketed_hidden(snap):
        return [None, None, "", _count(snap.n_ticketed, restricted), None]
    return [snap.nrr_ticketed, snap.ik_ticketed, snap.category_ticketed, snap.n_ticketed, share]


def index_sheet(table: IndexTable, scope: Scope, period_name: str, *, restricted: bool = False) -> Sheet:
    """The IPAK or IPKP sheet: one row per UPT, then the pooled total and the unweighted unit mean."""
    instrument = table.version.instrument
    codes = [i.code for i in table.version.indicators.all()]
    index = instrument.index_code
    columns = [
        Column(pgettext("nomor urut", "No"), INT, 5),
        Column(_("Kode UPT"), TEXT, 18),
        Column(_("UPT"), TEXT, 34),
        Column(_("Jenis"), TEXT, 12),
        Column(_("Target sampel"), INT, 10),
        Column(_("Respons dihitung"), INT, 10),
        Column(_("Partisipasi"), PCT, 11),
        *[Column(_("NRR %(code)s") % {"code": code}, DEC2, 9) for code in codes],
        Column(_("NRR (%(index)s)") % {"index": index}, DEC2, 10),
        Column(_("IK"), DEC2, 9),
        Column(_("Kategori"), CATEGORY, 9),
        Column(_("± IK (95 %)"), DEC2, 9),
        Column(_("Kategori dalam rentang 95 %"), TEXT, 14),
        Column(_("IK tanpa respons bertanda"), DEC2, 12),
        Column(_("NRR hanya respons bertiket"), DEC2, 12),
        Column(_("IK hanya respons bertiket"), DEC2, 12),
        Column(_("Kategori (bertiket)"), CATEGORY, 10),
        Column(_("Respons bertiket"), INT, 10),
        Column(_("Porsi bertiket"), PCT, 10),
        Column(_("Respons bertanda"), INT, 10),
        Column(_("Ditolak peninjau"), INT, 10),
        Column(_("Keterangan"), TEXT, 26),
    ]

    def figures(snap, target: int) -> list:
        if snap is None:
            return [target, 0, participation(0, target), *[None] * len(codes), None, None, "", None, "", None,
                    None, None, "", 0, None, 0, 0]
        return [
            target, snap.n_counted, participation(snap.n_counted, target),
            *[indicator_nrr(snap, code) for code in codes],
            snap.nrr, snap.ik, snap.category, snap.ik_margin_95, category_range(snap),
            snap.ik_unflagged, *ticketed_figures(snap, restricted), snap.n_flagged, snap.n_rejected,
        ]

    def remark(snap, target: int) -> str:
        if snap is None:
            return _("Belum ada indeks")
        if not snap.n_counted:
            return _("Belum ada respons")
        if target and snap.n_counted < target:
            return _("Sampel belum memenuhi")
        return ""

    rows = [
        [number, line.unit.code, line.unit.name, line.unit.get_kind_display(),
         *figures(line.snapshot, line.target), remark(line.snapshot, line.target)]
        for number, line in enumerate(table.lines, start=1)
    ]
    totals = []
    if scope.level != Level.UNIT:
        totals.append(["", "", _("Total %(scope)s (gabungan responden)") % {"scope": scope.label}, "",
                       *figures(table.total, table.total_target), remark(table.total, table.total_target)])
        if table.total is not None and table.total.unit_average_nrr is not None:
            blank = [None] * (len(codes) + 3)
            totals.append(["", "", _("Rata-rata UPT (tidak berbobot)"), "", *blank,
                           table.total.unit_average_nrr, table.total.unit_average_ik, "", None, "", None,
                           None, None, "", None, None, None, None, ""])
    return Sheet(
        title=index,
        title_lines=[f"{index} — {instrument.index_name}", f"{scope.label} · {period_name}"],
        columns=columns,
        rows=rows,
        total_rows=totals,
        notes=[_("Angka dibaca dari snapshot indeks terkini; sama dengan dasbor.")],
    )


def service_sheet(data: RecapData, *, restricted: bool = False) -> Sheet:
    columns = [
        Column(_("UPT"), TEXT, 34), Column(_("Layanan"), TEXT, 30), Column(_("Indeks"), TEXT, 8),
        Column(_("Target sampel"), INT, 10), Column(_("Respons dihitung"), INT, 10),
        Column(_("Partisipasi"), PCT, 11), Column(_("NRR"), DEC2, 9), Column(_("IK"), DEC2, 9),
        Column(_("Kategori"), CATEGORY, 9), Column(_("Respons bertanda"), INT, 10),
    ]
    rows = []
    for s in data.services:
        small = restricted and is_small(s.snapshot.n_counted)
        figures = [None, None, None] if small else [s.snapshot.nrr, s.snapshot.ik, s.snapshot.category]
        rows.append([s.unit.name, s.service_name, s.version.instrument.index_code, s.target,
                     _count(s.snapshot.n_counted, restricted), _share(s.snapshot.n_counted, s.target, restricted),
                     *figures, _count(s.snapshot.n_flagged, restricted)])
    notes = [] if rows else [_("Belum ada snapshot per jenis layanan untuk periode ini.")]
    return Sheet(
        title=_("Per layanan"),
        title_lines=[_("Indeks per jenis layanan"), f"{data.scope.label} · {data.period.name}"],
        columns=columns, rows=rows, notes=notes,
    )


def demographics_sheet(data: RecapData, *, restricted: bool = False) -> Sheet:
    columns = [Column(_("Aspek"), TEXT, 22), Column(_("Kelompok"), TEXT, 24),
               Column(_("Jumlah"), INT, 10), Column(_("Persentase"), PCT, 12)]
    total = data.n_responses
    rows = [
        [aspect, band, _count(count, restricted), _share(count, total, restricted)]
        for aspect, bands in data.demographics
        for band, count in bands
    ]
    return Sheet(
        title=_("Demografi"),
        title_lines=[_("Profil responden (respons dihitung: %(n)d)") % {"n": total},
                     f"{data.scope.label} · {data.period.name}"],
        columns=columns, rows=rows,
    )


def extra_items_sheet(data: RecapData, *, restricted: bool = False) -> Sheet:
    """Counts and percentages per option of every extra item asked in scope (a short-text item: its count)."""
    columns = [
        Column(_("Pemilik butir"), TEXT, 30), Column(_("Butir tambahan"), TEXT, 40), Column(_("Jenis"), TEXT, 14),
        Column(_("UPT"), TEXT, 30), Column(_("Pilihan"), TEXT, 28), Column(_("Jumlah"), INT, 10),
        Column(_("Persentase"), PCT, 12),
    ]
    kinds = dict(ExtraItem.Kind.choices)
    rows = []
    for block in scope_extra_results(data.period, data.scope.units()):
        item, result = block.item, block.result
        owner = item.unit.name if item.unit_id else item.kanwil.name
        unit = block.unit.name if block.unit is not None else _("Semua UPT (gabungan)")
        head = [owner, localized(item, "prompt"), str(kinds.get(item.kind, item.kind)), unit]
        if item.kind != ExtraItem.Kind.CHOICE:
            rows.append([*head, _("Jawaban teks: lihat data mentah"), _count(result.answered, restricted), None])
            continue
        for option in result.options:
            rows.append([*head, option.label, _count(option.n, restricted),
                         _share(option.n, result.answered, restricted)])
    notes = [_("Hanya jawaban yang dihitung. Persentase dari jawaban yang menjawab butir itu.")]
    if not rows:
        notes.append(_("Tidak ada butir tambahan pada periode ini."))
    return Sheet(
        title=_("Butir tambahan"),
        title_lines=[_("Jawaban butir tambahan"), f"{data.scope.label} · {data.period.name}"],
        columns=columns, rows=rows, notes=notes,
    )


def action_plan_sheet(data: RecapData, *, today: date) -> Sheet:
    """The follow-up plans recorded for the period's results, one row per plan."""
    columns = [
        Column(pgettext("nomor urut", "No"), INT, 5), Column(_("Kanwil"), TEXT, 28), Column(_("UPT"), TEXT, 30),
        Column(_("Indikator"), TEXT, 14), Column(_("NRR saat direncanakan"), DEC2, 11),
        Column(_("Masalah"), TEXT, 36), Column(_("Penyebab"), TEXT, 30), Column(_("Rencana tindak lanjut"), TEXT, 40),
        Column(_("Penanggung jawab"), TEXT, 24), Column(_("Tenggat"), DATE, 12), Column(_("Status"), TEXT, 14),
        Column(_("Selesai pada"), DATE, 12), Column(_("Bukti"), INT, 8), Column(_("Publik"), TEXT, 8),
    ]
    yes, no = _("Ya"), _("Tidak")
    rows = [
        [number, row["kanwil"], row["unit"], f"{row['instrument']} · {row['indicator']}", row["score"],
         row["problem"], row["cause"], row["action"], row["person_in_charge"], row["deadline"], row["status_label"],
         row["done_on"], row["evidence_count"], yes if row["public"] else no]
        for number, row in enumerate(action_plan_rows(data.period, data.scope.units(), today=today), start=1)
    ]
    notes = [] if rows else [_("Belum ada rencana tindak lanjut untuk periode ini.")]
    return Sheet(
        title=_("Rencana tindak lanjut"),
        title_lines=[_("Rencana tindak lanjut"), f"{data.scope.label} · {data.period.name}"],
        columns=columns, rows=rows, notes=notes,
    )


def recap_sheets(data: RecapData, *, include_raw: bool, today: date | None = None, restricted: bool = False,
                 include_text: bool = False) -> Iterator[Sheet]:
    for table in data.tables:
        yield index_sheet(table, data.scope, data.period.name, restricted=restricted)
    yield service_sheet(data, restricted=restricted)
    yield demographics_sheet(data, restricted=restricted)
    yield extra_items_sheet(data, restricted=restricted)
    yield action_plan_sheet(data, today=today or timezone.localdate())
    if include_raw and not restricted:
        yield raw_sheet(data.scope.units(), data.period, data.versions, raw_extra_items(data.scope, data.period),
                        include_text=include_text)


def build_recap_workbook(path: Path, *, scope: Scope, period, include_raw: bool = False,
                         now: datetime | None = None, on_progress: Callable[[int], None] | None = None,
                         restricted: bool = False, include_text: bool = False, text_reason: str = "") -> None:
    """Writes the recap workbook for `scope` and `period` (language: the active one) to `path`.

    `restricted`: for a reader who may not see response-level data (responses.disclosure.sees_rows): small
    cells as "< k" and never a raw sheet."""
    include_raw = include_raw and not restricted
    now = now or timezone.now()
    data = recap_data(scope, period)
    if on_progress:
        on_progress(20)
    on_row = None
    if include_raw and on_progress:
        total = max(count_raw(scope.units(), period), 1)

        def on_row(n):
            on_progress(20 + int(75 * n / total))

    save_workbook(path, cover=cover(data, now=now, restricted=restricted, raw=include_raw, raw_text=include_text,
                                    text_reason=text_reason),
                  sheets=recap_sheets(data, include_raw=include_raw, today=timezone.localdate(now),
                                      restricted=restricted, include_text=include_text), on_row=on_row)
