"""Opens or closes a survey period (for automation, e.g. a cron job at the start of each quarter)."""
from django.core.management.base import BaseCommand, CommandError

from surveys.audit import system_actor
from surveys.models import Period
from surveys.services import ServiceError, close_period, open_period


class Command(BaseCommand):
    help = "Opens or closes a survey period: manage_period open|close (--id N | --name 'Triwulan I 2027')."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["open", "close", "list"])
        parser.add_argument("--id", type=int, help="period id")
        parser.add_argument("--name", help="period name, exactly as shown")
        parser.add_argument("--programme", default="spak-spkp")

    def handle(self, *args, action, id, name, programme, **options):  # noqa: A002
        periods = Period.objects.filter(programme=programme)
        if action == "list":
            for p in periods.order_by("starts_on"):
                self.stdout.write(f"{p.pk:>5}  {p.status:<10} {p.starts_on} – {p.ends_on}  {p.name}")
            return
        if action == "close" and id is None and name is None:
            period = periods.open().first()
            if period is None:
                raise CommandError(f"No open period in programme {programme!r}.")
        else:
            period = self._find(periods, id, name)
        try:
            if action == "open":
                open_period(period=period, acting_user=system_actor())
            else:
                close_period(period=period, acting_user=system_actor())
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{period.name}: {period.get_status_display()}"))

    def _find(self, periods, pk, name) -> Period:
        if pk is None and not name:
            raise CommandError("Give --id or --name (see: manage_period list).")
        try:
            return periods.get(pk=pk) if pk is not None else periods.get(name=name)
        except Period.DoesNotExist:
            raise CommandError(f"No period {pk or name!r} (see: manage_period list).") from None
