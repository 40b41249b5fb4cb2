"""Dashboards, exports and follow-up URLs."""
from django.urls import include, path

from . import views

urlpatterns = [
    path("staf/dasbor/", views.dashboard_home, name="dashboard_home"),
    path("staf/dasbor/nasional/", views.dashboard_national, name="dashboard_national"),
    path("staf/dasbor/kanwil/<slug:code>/", views.dashboard_kanwil, name="dashboard_kanwil"),
    path("staf/dasbor/upt/<slug:code>/", views.dashboard_unit, name="dashboard_unit"),
    path("metodologi/", views.methodology, name="methodology"),
    path("", include("reporting.followups.urls")),
    path("", include("reporting.exports.urls")),
    path("", include("reporting.reports.urls")),
    path("", include("reporting.api.urls")),
]
