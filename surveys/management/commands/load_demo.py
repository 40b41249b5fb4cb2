"""Loads the demo organisation, staff, periods, targets and access points; prints the staff logins."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from surveys.demo import demo_password, load_demo


class Command(BaseCommand):
    help = "Loads (idempotently) the demo data of Kanwil Jawa Tengah and DIY and prints the demo staff logins."

    def handle(self, *args, **options):
        rows = load_demo(timezone.localdate())
        password = demo_password()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo staff accounts (password for all):"))
        self.stdout.write(f"  password: {password}")
        for username, role, scope in rows:
            self.stdout.write(f"  {username:<26} {role:<14} {scope}")
