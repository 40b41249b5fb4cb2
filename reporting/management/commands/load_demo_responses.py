"""Loads demo responses for the current and previous quarter (after load_demo) and computes the indices."""
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from reporting.demo import load_demo_responses


class Command(BaseCommand):
    help = "Loads (idempotently) demo responses for the demo's current and previous quarter, then recomputes."

    def handle(self, *args, **options):
        started = time.monotonic()
        created = load_demo_responses(timezone.localdate())
        if not created:
            self.stdout.write("Demo responses already present; nothing to do.")
            return
        for name, n in created.items():
            self.stdout.write(f"  {name}: {n} responses")
        self.stdout.write(self.style.SUCCESS(f"Demo responses loaded in {time.monotonic() - started:.1f} s."))
