"""The surveys app's staff URLs: the staff home and a unit's page here, the rest from its sub-packages."""
from django.urls import include, path

from . import views

urlpatterns = [
    path("staf/", views.home, name="home"),
    path("staf/upt/<slug:code>/", views.unit_detail, name="unit_detail"),
    path("", include("surveys.staff.urls")),
    path("", include("surveys.audit.urls")),
    path("", include("surveys.accounts.urls")),
]
