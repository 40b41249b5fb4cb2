"""Security: login lockout, cookies, TLS and HSTS, headers and the Content-Security-Policy."""
from .base import DEBUG
from .env import env_bool, env_float, env_int

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.25, minimum=0)  # hours
# Per (username, address) and per address; per username only a slowdown (surveys/accounts/lockout.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "surveys.accounts.lockout.ScopedLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "surveys.accounts.lockout.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 30, minimum=1)
LOGIN_SLOWDOWN_AFTER = env_int("LOGIN_SLOWDOWN_AFTER", 5, minimum=0)
LOGIN_SLOWDOWN_STEP_SECONDS = env_float("LOGIN_SLOWDOWN_STEP_SECONDS", 0.5, minimum=0)
LOGIN_SLOWDOWN_MAX_SECONDS = env_float("LOGIN_SLOWDOWN_MAX_SECONDS", 5, minimum=0)
# Proxies in front of gunicorn that append to X-Forwarded-For (1 with the Caddy of docker-compose).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Read in every mode so that a typo stops the start even where DEBUG makes them unused.
_session_cookie_secure = env_bool("SESSION_COOKIE_SECURE", True)
_csrf_cookie_secure = env_bool("CSRF_COOKIE_SECURE", True)
_ssl_redirect = env_bool("SECURE_SSL_REDIRECT", True)
_hsts_seconds = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
_hsts_subdomains = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
_hsts_preload = env_bool("SECURE_HSTS_PRELOAD", False)
if not DEBUG:
    SESSION_COOKIE_SECURE = _session_cookie_secure
    CSRF_COOKIE_SECURE = _csrf_cookie_secure
    SECURE_SSL_REDIRECT = _ssl_redirect
    SECURE_HSTS_SECONDS = _hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _hsts_subdomains
    SECURE_HSTS_PRELOAD = _hsts_preload
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap progress bars and Chart.js sizing set style attributes; no inline <style> or <script>.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

SILENCED_SECURITY_CHECKS: list[str] = []
