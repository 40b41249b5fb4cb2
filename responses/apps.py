"""Public forms and stored answers."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Jawaban responden")

    def ready(self):
        from .ratelimit import check_settings

        check_settings()
