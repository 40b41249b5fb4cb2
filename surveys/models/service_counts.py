"""Service counts: how many people a unit's service served on a day, the denominator of the response rate."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisation import Unit, UnitService


class ServiceCountQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(service__unit__in=Unit.objects.visible_to(user))


class ServiceCount(models.Model):
    """People served by one service of a unit on one day, entered by its officers (a form or an upload)."""

    service = models.ForeignKey(UnitService, on_delete=models.CASCADE, related_name="counts",
                                verbose_name=_("layanan"))
    day = models.DateField(_("tanggal"))
    served = models.PositiveIntegerField(_("jumlah dilayani"))

    objects = ServiceCountQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "service"]
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="service_count_one_per_day")]
        verbose_name = _("jumlah layanan")
        verbose_name_plural = _("jumlah layanan")

    def __str__(self):
        return f"{self.service} · {self.day} · {self.served}"
