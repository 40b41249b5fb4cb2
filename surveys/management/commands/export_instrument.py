"""Writes one instrument version as a spakspkp-instrument/1 JSON document (docs/instrument-format.md)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.instrument_format import dump_document, export_version
from surveys.models import InstrumentVersion


class Command(BaseCommand):
    help = "Exports an instrument version to JSON: export_instrument SPAK [--number 1] [--output spak-v1.json]"

    def add_arguments(self, parser):
        parser.add_argument("code", help="instrument code, e.g. SPAK")
        parser.add_argument("--number", "-n", dest="number", type=int, help="version number (default: the latest)")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, code, number, output, **options):
        versions = InstrumentVersion.objects.filter(instrument__code=code).order_by("-number")
        version = versions.filter(number=number).first() if number else versions.first()
        if version is None:
            raise CommandError(f"No version {number or '(any)'} of instrument {code!r}.")
        text = dump_document(export_version(version))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"{version} written to {output}")
        else:
            self.stdout.write(text, ending="")
