"""Imports an instrument version from a spakspkp-instrument/1 JSON file, naming every faulty field."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.audit import system_actor
from surveys.instrument_format import InstrumentFormatError, load_document
from surveys.services import import_instrument


class Command(BaseCommand):
    help = "Imports an instrument version from JSON (docs/instrument-format.md): import_instrument FILE"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            version = import_instrument(doc=load_document(raw), acting_user=system_actor())
        except InstrumentFormatError as exc:
            raise CommandError("Invalid instrument file:\n" + "\n".join(f"  {p}" for p in exc.problems)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported {version} ({version.get_status_display()}, {version.indicators.count()} indicators)."
        ))
