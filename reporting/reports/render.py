"""Laying the official report, the announcement poster and the evidence pack into files (HTML, PDF, zip).

PDFs are made by WeasyPrint from the same templates a browser prints; fonts and styles are read from this
repository's static files and nothing is fetched from the network.
"""
import io
import zipfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from reporting.exports.recap import build_recap_workbook
from reporting.exports.rows import Scope, file_stem
from reporting.models import Level
from surveys.pdf import font_uris, html_to_pdf, static_uri
from surveys.posters import qr_svg

from .content import Report, band_legend, build_report


class ReportError(Exception):
    """A report that cannot be made for this scope (its message is shown to the requester)."""


def _page_context(*, for_pdf: bool) -> dict:
    if for_pdf:
        return {
            "stylesheet": static_uri("css/report.css"),
            "fonts": font_uris(),
        }
    from django.templatetags.static import static

    return {"stylesheet": static("css/report.css"),
            "fonts": {"regular": static("vendor/noto-sans-5.3.0/noto-sans-latin-400-normal.woff"),
                      "bold": static("vendor/noto-sans-5.3.0/noto-sans-latin-700-normal.woff")}}


def report_html(report: Report, *, period, for_pdf: bool = False) -> str:
    context = {"r": report, "legend": band_legend(period), "language": (get_language() or "id")[:2],
               **_page_context(for_pdf=for_pdf)}
    return render_to_string("reporting/reports/official.html", context)


def public_results_url(scope: Scope) -> str:
    """The absolute address of the scope's public results page (printed as a QR code on the poster)."""
    if scope.level == Level.UNIT:
        path = reverse("public_unit", args=[scope.unit.code])
    elif scope.level == Level.KANWIL:
        path = reverse("public_kanwil", args=[scope.kanwil.code])
    else:
        path = reverse("public_results")
    base = (settings.PUBLIC_BASE_URL or "http://localhost:8000").rstrip("/")
    return base + path


def poster_html(report: Report, *, for_pdf: bool = False) -> str:
    url = public_results_url(report.scope)
    done = [p for p in report.plans if p["status"] == "done" and p["public"]]
    top_action = (done or [p for p in report.plans if p["public"]] or [None])[0]
    context = {"r": report, "url": url, "qr": qr_svg(url, scale=4), "top_action": top_action,
               "page_size": "A4", "public_min": getattr(settings, "PUBLIC_MIN_RESPONSES", 10),
               "language": (get_language() or "id")[:2], **_page_context(for_pdf=for_pdf)}
    return render_to_string("reporting/reports/poster.html", context)


def _check(scope: Scope, period) -> None:
    if not period.instrument_versions.exists():
        raise ReportError(_("Periode %(period)s belum memiliki versi instrumen.") % {"period": period})
    if scope.level == Level.NATION:
        raise ReportError(_("Laporan resmi disusun per UPT atau per Kanwil."))


def build_report_pdf(path: Path, *, scope: Scope, period, signatory, today: date, restricted: bool = True) -> None:
    _check(scope, period)
    report = build_report(scope, period, signatory=signatory, today=today, restricted=restricted)
    path.write_bytes(html_to_pdf(report_html(report, period=period, for_pdf=True)))


def build_poster_pdf(path: Path, *, scope: Scope, period, signatory, today: date, restricted: bool = True) -> None:
    _check(scope, period)
    report = build_report(scope, period, signatory=signatory, today=today, restricted=restricted)
    path.write_bytes(html_to_pdf(poster_html(report, for_pdf=True)))


# The Zona Integritas evaluation worksheet (LKE) items each file of the pack supports.
LKE_ITEMS = {
    "report": gettext_lazy("Laporan hasil survei persepsi (SPAK dan SPKP)"),
    "recap": gettext_lazy("Data dukung hasil survei (rekapitulasi per indikator)"),
    "poster": gettext_lazy("Publikasi hasil survei kepada masyarakat (media informasi pengumuman hasil)"),
    "followup": gettext_lazy("Laporan tindak lanjut perbaikan pelayanan atas hasil survei"),
}


def followup_html(report: Report) -> str:
    return render_to_string("reporting/reports/followup.html", {"r": report, **_page_context(for_pdf=True)})


def build_evidence_pack(path: Path, *, scope: Scope, period, signatory, today: date, on_progress=None,
                        restricted: bool = True) -> None:
    """One zip: the report PDF, the recap workbook, the poster PDF, the follow-up report and an index page."""
    _check(scope, period)
    report = build_report(scope, period, signatory=signatory, today=today, restricted=restricted)
    stem = file_stem("", scope, period).lstrip("_")
    files: list[tuple[str, str, bytes]] = []
    files.append(("report", f"1_Laporan_SPAK_SPKP_{stem}.pdf",
                  html_to_pdf(report_html(report, period=period, for_pdf=True))))
    if on_progress:
        on_progress(35)
    recap = path.with_suffix(".recap.xlsx")
    build_recap_workbook(recap, scope=scope, period=period, restricted=restricted)
    files.append(("recap", f"2_Rekap_SPAK_SPKP_{stem}.xlsx", recap.read_bytes()))
    recap.unlink()
    if on_progress:
        on_progress(55)
    files.append(("poster", f"3_Pengumuman_Hasil_{stem}.pdf", html_to_pdf(poster_html(report, for_pdf=True))))
    if on_progress:
        on_progress(75)
    files.append(("followup", f"4_Tindak_Lanjut_{stem}.pdf", html_to_pdf(followup_html(report))))
    index = render_to_string("reporting/reports/pack_index.html", {
        "r": report, "files": [(name, str(LKE_ITEMS[key])) for key, name, _content in files],
        "generated": date_format(today, "j F Y"),
    })
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("0_Indeks_Bukti_LKE.html", index)
        for _key, name, content in files:
            archive.writestr(name, content)
    path.write_bytes(buffer.getvalue())
