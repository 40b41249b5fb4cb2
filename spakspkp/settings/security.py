"""Security: login lockout, cookies, TLS and HSTS, headers and the Content-Security-Policy."""
from .base import DEBUG
from .env import env_bool, env_float, env_int

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.25, minimum=0)  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

X_FRAME_OPTIONS = "DENY"
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

SILENCED_SECURITY_CHECKS = [
    # Lockout is per username on purpose: staff of one office share one NAT address, and locking an
    # address would lock a whole Kanwil out (README, "Security").
    "axes.W006",
]
