"""Staff pages for the organisation, instruments, periods, targets and access points."""
from django.urls import path

from . import views

urlpatterns = [
    path("staf/", views.home, name="home"),
    path("staf/kanwil/<slug:code>/", views.kanwil_detail, name="kanwil_detail"),
    path("staf/upt/<slug:code>/", views.unit_detail, name="unit_detail"),
]
