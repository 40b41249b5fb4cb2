"""Response headers every page carries: Permissions-Policy, and no-store for signed-in pages and downloads."""
from django.conf import settings
from django.utils.cache import patch_cache_control


class ResponseHeadersMiddleware:
    """Permissions-Policy on every response (the browser features this site never uses are switched off);
    `Cache-Control: no-store` on everything a signed-in user receives, pages and file downloads alike, so
    no shared or back-button cache keeps a staff page or an export."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
