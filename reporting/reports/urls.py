"""Official report URLs (printable page; the PDF, poster and pack come from the download centre)."""
from django.urls import path

from . import views

urlpatterns = [
    path("staf/laporan/<str:level>/<slug:code>/<int:period_id>/", views.report_page, name="report_page"),
]
