"""Organisation, instruments, periods, targets and access points."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Organisasi dan instrumen survei")

    def ready(self):
        from . import audit  # noqa: F401  (registers models with django-auditlog)
