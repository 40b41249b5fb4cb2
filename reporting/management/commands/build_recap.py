"""Builds a recap workbook (or the raw data) from the shell, the same file the download centre gives."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reporting.exports.csv import build_raw_csv
from reporting.exports.raw import build_raw_workbook
from reporting.exports.recap import build_recap_workbook
from reporting.exports.rows import Scope, file_stem
from surveys.audit import record_text_export, system_actor
from surveys.models import Kanwil, Period, Unit


class Command(BaseCommand):
    help = "Membangun rekap Excel SPAK/SPKP (atau data mentah) untuk satu cakupan dan periode."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="Id atau nama periode (bawaan: periode yang sedang dibuka).")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--kanwil", help="Kode Kanwil.")
        scope.add_argument("--unit", help="Kode UPT.")
        scope.add_argument("--nation", action="store_true", help="Seluruh Indonesia.")
        parser.add_argument("--kind", choices=["recap", "raw_xlsx", "raw_csv"], default="recap")
        parser.add_argument("--include-raw", action="store_true", help="Tambahkan lembar data mentah ke rekap.")
        parser.add_argument("--include-text", metavar="ALASAN", default="",
                            help="Sertakan teks bebas responden di data mentah, dengan alasan "
                                 "(tercatat di jejak audit).")
        parser.add_argument("--language", choices=["id", "en"], default="id")
        parser.add_argument("--output", help="Berkas atau folder tujuan (bawaan: folder kerja).")

    def handle(self, *args, **options):
        period = self._period(options["period"])
        if options["kanwil"]:
            kanwil = Kanwil.objects.filter(code=options["kanwil"]).first()
            if kanwil is None:
                raise CommandError(f"Kanwil {options['kanwil']!r} tidak ditemukan.")
            scope = Scope("kanwil", kanwil=kanwil)
        elif options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"UPT {options['unit']!r} tidak ditemukan.")
            scope = Scope("unit", unit=unit)
        else:
            scope = Scope("nation")
        kind = options["kind"]
        extension = "csv" if kind == "raw_csv" else "xlsx"
        name = file_stem("Rekap_SPAK_SPKP" if kind == "recap" else "Data_SPAK_SPKP", scope, period) + "." + extension
        reason = options["include_text"].strip()
        text = {"include_text": bool(reason), "text_reason": reason}
        if reason and (kind != "recap" or options["include_raw"]):
            record_text_export(user=system_actor(), obj=period, reason=reason)
        output = Path(options["output"] or ".")
        path = output / name if output.is_dir() else output
        with translation.override(options["language"]):
            if kind == "recap":
                build_recap_workbook(path, scope=scope, period=period, include_raw=options["include_raw"], **text)
            elif kind == "raw_xlsx":
                build_raw_workbook(path, scope=scope, period=period, **text)
            else:
                build_raw_csv(path, scope=scope, period=period, **text)
        self.stdout.write(str(path))

    def _period(self, value: str | None) -> Period:
        if value is None:
            period = Period.objects.open().first()
        elif value.isdigit():
            period = Period.objects.filter(pk=int(value)).first()
        else:
            period = Period.objects.filter(name=value).first()
        if period is None:
            raise CommandError("Periode tidak ditemukan; sebutkan dengan --period.")
        if not period.instrument_versions.exists():
            raise CommandError(f"Periode {period} belum memiliki versi instrumen.")
        return period
