"""Public survey form URLs (one address per access point, printed as a QR code), then the review pages."""
from django.urls import include, path

from . import views

urlpatterns = [
    path("s/<str:token>/", views.public_form, name="public_form"),
    path("s/<str:token>/terima-kasih/", views.thanks, name="public_form_thanks"),
    path("privasi/", views.privacy_notice, name="privacy_notice"),
    path("", include("responses.review.urls")),
]
