"""Download centre URLs."""
from django.urls import path

from . import views

urlpatterns = [
    path("staf/ekspor/", views.export_centre, name="export_centre"),
    path("staf/ekspor/<int:pk>/unduh/", views.export_download, name="export_download"),
]
