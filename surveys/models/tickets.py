"""Survey tickets: a one-time code handed with a service (queue ticket, visit slip), redeemed for one response."""
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access_points import AccessPoint
from .organisation import Unit, UnitService

# Upper-case letters and digits without the look-alikes 0/O, 1/I/L: printed on paper and typed by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols, a prime: the check catches every single
CODE_BODY = 7  # substitution and every swap of neighbours (31^7 ≈ 2.75·10^10 codes)


def check_character(body: str) -> str:
    """A weighted sum modulo 31 (the alphabet's size, a prime), as in ISO 7064: a typo changes it."""
    total = sum((position + 2) * CODE_ALPHABET.index(char) for position, char in enumerate(body))
    return CODE_ALPHABET[total % len(CODE_ALPHABET)]


def new_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_BODY))
    return body + check_character(body)


def normalise_code(typed: str) -> str:
    """What a person typed, forgiving case, spaces and dashes ('k7qm-4xrt ' is 'K7QM4XRT')."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())[:32]


def is_well_formed(code: str) -> bool:
    return (len(code) == CODE_BODY + 1 and all(ch in CODE_ALPHABET for ch in code)
            and check_character(code[:-1]) == code[-1])


def hour_of(moment: datetime) -> datetime:
    """Issue times are kept to the hour: the ticket says nothing finer about when a service took place."""
    return moment.replace(minute=0, second=0, microsecond=0)


def ticket_lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "TICKET_VALID_DAYS", 7))


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access_point__unit__in=Unit.objects.visible_to(user))

    def redeemable(self, *, now: datetime):
        return self.filter(used=False, expires_at__gt=now, access_point__enabled=True)


class TicketBatch(models.Model):
    """Tickets printed together (a sheet of slips, a thermal roll, or one at a time at the counter)."""

    class Layout(models.TextChoices):
        A4 = "a4", _("Lembar A4 (potong)")
        THERMAL_58 = "58mm", _("Struk termal 58 mm")
        THERMAL_80 = "80mm", _("Struk termal 80 mm")
        SINGLE = "single", _("Satu per satu di loket")

    access_point = models.ForeignKey(AccessPoint, on_delete=models.PROTECT, related_name="ticket_batches")
    service = models.ForeignKey(UnitService, on_delete=models.SET_NULL, null=True, blank=True,
                                verbose_name=_("layanan"))
    layout = models.CharField(_("tata letak"), max_length=10, choices=Layout.choices, default=Layout.A4)
    size = models.PositiveIntegerField(_("jumlah tiket"))
    created_on = models.DateField(default=timezone.localdate)  # the day, not the time: see Ticket

    class Meta:
        ordering = ["-created_on", "-pk"]

    def __str__(self):
        return f"{self.access_point} · {self.size}"


class Ticket(models.Model):
    """One code, one response. Holds no personal data and no link to the response it produced: only that it
    was used, and the day. Its issue time is rounded to the hour."""

    code = models.CharField(max_length=CODE_BODY + 1, unique=True, default=new_code, editable=False)
    batch = models.ForeignKey(TicketBatch, on_delete=models.CASCADE, related_name="tickets")
    access_point = models.ForeignKey(AccessPoint, on_delete=models.PROTECT, related_name="tickets")
    service = models.ForeignKey(UnitService, on_delete=models.SET_NULL, null=True, blank=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)
    used_on = models.DateField(null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["access_point", "issued_at"])]
        constraints = [
            models.CheckConstraint(name="ticket_used_has_day",
                                   condition=models.Q(used=False) | models.Q(used_on__isnull=False)),
        ]

    def __str__(self):
        return self.spaced_code

    @property
    def spaced_code(self) -> str:
        """Printed as two groups of four, easier to read aloud and type: 'K7QM 4XRT'."""
        return f"{self.code[:4]} {self.code[4:]}"

    @property
    def public_path(self) -> str:
        return f"/t/{self.code}/"

    def public_url(self, request=None) -> str:
        base = (settings.PUBLIC_BASE_URL or "").rstrip("/")
        if base:
            return base + self.public_path
        return request.build_absolute_uri(self.public_path) if request is not None else self.public_path
