"""Generates honest traffic plus injected fraud for one unit and period, and reports what the flags caught."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from responses.simulation import flagged_among, simulate_traffic
from surveys.models import Period, Unit


class Command(BaseCommand):
    help = ("Simulates a day of honest responses plus fraud (an officer filling 40 forms in 10 minutes from "
            "one phone, a coordinated burst of identical answers, forms completed too fast) and prints how many "
            "of each were flagged. Defaults: the demo unit lapas-semarang and the open period.")

    def add_arguments(self, parser):
        parser.add_argument("--unit", default="lapas-semarang", help="unit code (default: lapas-semarang)")
        parser.add_argument("--period", type=int, help="period id (default: the open period)")
        parser.add_argument("--day", type=date.fromisoformat, help="day of the injected fraud, YYYY-MM-DD "
                            "(default: today, or the period's last day if it has ended)")
        parser.add_argument("--honest", type=int, default=200, help="number of honest responses (default 200)")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        try:
            unit = Unit.objects.get(code=options["unit"])
        except Unit.DoesNotExist:
            raise CommandError(f"Unknown unit {options['unit']!r} (run load_demo first?)") from None
        if options["period"]:
            period = Period.objects.filter(pk=options["period"]).first()
        else:
            period = Period.objects.open().first()
        if period is None:
            raise CommandError("No such period, and no open period.")
        day = options["day"] or min(timezone.localdate(), period.ends_on)
        if not period.starts_on <= day <= period.ends_on:
            raise CommandError(f"{day} is outside {period} ({period.starts_on} – {period.ends_on}).")
        try:
            result = simulate_traffic(unit=unit, period=period, day=day, honest=options["honest"],
                                      seed=options["seed"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        rows = [
            ("honest", result.honest),
            ("officer: 40 forms in 10 minutes, one phone", result.officer_series),
            ("coordinated identical burst", result.coordinated_burst),
            ("completed too fast", result.too_fast),
        ]
        self.stdout.write(f"{unit.name}, {period.name}, fraud injected on {day}:")
        for label, ids in rows:
            self.stdout.write(f"  {label:45} {flagged_among(ids):4d} of {len(ids):4d} flagged")
        honest_rate = 100 * flagged_among(result.honest) / max(1, len(result.honest))
        missed = len(result.fraudulent) - flagged_among(result.fraudulent)
        self.stdout.write(f"Honest responses flagged: {honest_rate:.1f}%. Injected responses missed: {missed}.")
