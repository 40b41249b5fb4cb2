"""Recomputes every index snapshot of a period (or all open periods), with a progress bar, for operators."""
import time

from django.core.management.base import BaseCommand, CommandError

from reporting.models import Level, Snapshot
from reporting.snapshots import recompute_period, recompute_unit
from responses.models import Scoresheet
from surveys.models import Period


class Command(BaseCommand):
    help = (
        "Recomputes the IPAK/IPKP snapshots of a period: unit by unit with a progress bar, then a full pass "
        "that also rebuilds the Kanwil and national figures. Safe to run while the platform is in use."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", nargs="?", type=int, help="Period id (see the admin); default: open periods")
        parser.add_argument("--all", action="store_true", help="Every period, open or closed")

    def handle(self, *args, period=None, all=False, **options):  # noqa: A002 - the option's name
        if period is not None:
            periods = list(Period.objects.filter(pk=period))
            if not periods:
                raise CommandError(f"No period with id {period}.")
        elif all:
            periods = list(Period.objects.order_by("starts_on"))
        else:
            periods = list(Period.objects.open())
        if not periods:
            self.stdout.write("No open period; pass a period id or --all.")
            return
        for p in periods:
            self._recompute(p)

    def _recompute(self, period):
        started = time.monotonic()
        unit_ids = sorted(set(Scoresheet.objects.filter(period=period).values_list("unit_id", flat=True)))
        total = len(unit_ids) + 1
        self.stdout.write(f"{period.name} (id {period.pk}): {len(unit_ids)} UPT")
        for done, unit_id in enumerate(unit_ids, start=1):
            recompute_unit(unit_id, period.pk)
            self._bar(done, total)
        recompute_period(period.pk)
        self._bar(total, total)
        self.stdout.write("")
        n = Snapshot.objects.filter(period=period, is_current=True, level=Level.UNIT, service=None).count()
        self.stdout.write(self.style.SUCCESS(
            f"  {n} UPT snapshots current; done in {time.monotonic() - started:.1f} s"
        ))

    def _bar(self, done, total, width=30):
        filled = round(width * done / total)
        self.stdout.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stdout.flush()
