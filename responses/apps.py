"""Public forms and stored answers."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Jawaban responden")

    def ready(self):
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
        from limits.errors import ConfigurationError
        from limits.storage import storage_from_string

        from .ratelimit import Limit

        # A malformed limit must stop the start, not surface as a 500 on the first respondent's submit.
        Limit.parse(settings.FORM_RATE_LIMIT_ACCESS_POINT)
        Limit.parse(settings.FORM_RATE_LIMIT_DEVICE)
        try:
            storage_from_string(settings.FORM_RATE_LIMIT_STORAGE_URL)  # checks the URL; connects lazily
        except ConfigurationError as exc:
            raise ImproperlyConfigured(f"FORM_RATE_LIMIT_STORAGE_URL: {exc}") from exc
