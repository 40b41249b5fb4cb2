"""Public survey form URLs (one address per access point, printed as a QR code), then the review pages."""
from django.urls import include, path

from . import kiosk_views, views

urlpatterns = [
    path("s/<str:token>/", views.public_form, name="public_form"),
    path("s/<str:token>/terima-kasih/", views.thanks, name="public_form_thanks"),
    path("", include("responses.tickets.urls")),
    path("s/<str:token>/kios/daftar/", kiosk_views.kiosk_enrol, name="kiosk_enrol"),
    path("s/<str:token>/kios/kirim/", kiosk_views.kiosk_sync, name="kiosk_sync"),
    path("s/<str:token>/kios/sw.js", kiosk_views.kiosk_worker, name="kiosk_worker"),
    path("privasi/", views.privacy_notice, name="privacy_notice"),
    path("", include("responses.review.urls")),
]
