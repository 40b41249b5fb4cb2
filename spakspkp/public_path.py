"""The respondents' POST skips the middleware that serves signed-in staff only.

A submission of the public form (POST /s/<token>/ or /t/<code>/) is anonymous by design: it reads no
session, no user, no second factor and no flash message, writes no audit entry and is not a login (the
lockout middleware watches logins). Running those middlewares on it cost a fifth of its Python time
(bench/profile_submit). `StaffOnly(...)` wraps such a middleware so that it runs for every other request
and is passed over for these; everything protecting the respondent (security headers, CSRF cookie for the
language switch, clickjacking, CSP, Permissions-Policy) and the language choice still run. A view behind a
skipped middleware sees no `request.user` (templates then get the anonymous user, as for any visitor).
"""
import re
from functools import partial

from django.utils.module_loading import import_string

# Exactly the form's own address: its thank-you page, kiosk endpoints and every staff page keep the full stack.
PUBLIC_FORM_PATH = re.compile(r"^/(?:s|t)/[^/]+/\Z")
HOOKS = ("process_view", "process_exception", "process_template_response")


def is_public_form_post(request) -> bool:
    return request.method == "POST" and PUBLIC_FORM_PATH.match(request.path_info) is not None


class StaffOnlyMiddleware:
    """Runs `wrapped` (a middleware class, set by `staff_only`) except on a public form POST."""

    wrapped: type

    def __init__(self, get_response):
        self.get_response = get_response
        self.inner = self.wrapped(get_response)
        for hook in HOOKS:  # Django collects these hooks from the instance when it builds the chain
            if hasattr(self.inner, hook):
                setattr(self, hook, partial(_hook, getattr(self.inner, hook)))

    def __call__(self, request):
        if is_public_form_post(request):
            return self.get_response(request)
        return self.inner(request)


def _hook(method, request, *args):
    return None if is_public_form_post(request) else method(request, *args)


def staff_only(dotted_path: str) -> type:
    """A middleware class running the middleware at `dotted_path` except on a public form POST."""
    wrapped = import_string(dotted_path)
    # Also a subclass of the wrapped one, so Django's checks that look for it (the admin's need of sessions,
    # authentication and messages) still find it; StaffOnlyMiddleware's methods come first.
    return type(wrapped.__name__, (StaffOnlyMiddleware, wrapped), {"wrapped": wrapped, "__module__": __name__,
                                                                  "__qualname__": wrapped.__name__})


SessionMiddleware = staff_only("django.contrib.sessions.middleware.SessionMiddleware")
AuthenticationMiddleware = staff_only("django.contrib.auth.middleware.AuthenticationMiddleware")
OTPMiddleware = staff_only("django_otp.middleware.OTPMiddleware")
SecondFactorMiddleware = staff_only("surveys.accounts.second_factor.SecondFactorMiddleware")
MessageMiddleware = staff_only("django.contrib.messages.middleware.MessageMiddleware")
AuditlogMiddleware = staff_only("auditlog.middleware.AuditlogMiddleware")
