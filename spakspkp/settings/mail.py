"""E-mail: invitations and password resets. EMAIL_URL (smtp://user:pass@host:587, submission:// for STARTTLS,
smtps:// for TLS) or the usual EMAIL_* variables; without either, the embedded mode prints mail to the terminal."""
from django.core.exceptions import ImproperlyConfigured

from .env import env, env_bool, env_int, env_str

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SPAK-SPKP <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_HOURS", 72, minimum=1) * 3600

_email_url = env_str("EMAIL_URL")
_email_host = env_str("EMAIL_HOST")
if _email_url:
    if not _email_url.startswith(("smtp://", "smtps://", "submission://", "consolemail://", "dummymail://")):
        raise ImproperlyConfigured("EMAIL_URL must be smtp://, smtps://, submission:// or consolemail://")
    vars().update(env.email_url_config(_email_url))
elif _email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email_host
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    # The embedded mode (and a server not yet configured) prints each mail to the terminal; docs/operations.md
    # asks a production deployment to set EMAIL_URL.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
