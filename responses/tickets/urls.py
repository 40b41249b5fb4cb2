"""Survey ticket URLs: short, printed on paper under the QR code."""
from django.urls import path

from . import views

urlpatterns = [
    path("t/", views.ticket_entry, name="ticket_entry"),
    path("t/<str:code>/", views.ticket_form, name="ticket_form"),
]
