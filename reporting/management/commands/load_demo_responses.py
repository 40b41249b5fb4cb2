"""Loads demo responses for the current and previous quarter (after load_demo) and computes the indices."""
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.demo import load_demo_responses


class Command(BaseCommand):
    help = "Loads (idempotently) demo responses for the demo's current and previous quarter, then recomputes."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help="Share of the sample targets to generate (default 1: most units reach target)")

    def handle(self, *args, scale=1.0, **options):
        if not 0 < scale <= 3:
            raise CommandError("--scale must be between 0 and 3.")
        started = time.monotonic()
        created = load_demo_responses(timezone.localdate(), scale=scale)
        if not created:
            self.stdout.write("Demo responses already present; nothing to do.")
            return
        for name, n in created.items():
            self.stdout.write(f"  {name}: {n} responses")
        self.stdout.write(self.style.SUCCESS(f"Demo responses loaded in {time.monotonic() - started:.1f} s."))
