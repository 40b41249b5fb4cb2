"""The Pusat page to search the audit trail."""
from django.urls import path

from . import views as audit_views

urlpatterns = [
    path("staf/audit/", audit_views.audit_log, name="audit_log"),
]
