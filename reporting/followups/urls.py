"""Follow-up URLs: staff pages under /staf/, the guide under /panduan/, public results under /hasil/."""
from django.urls import path

from . import views

urlpatterns = [
    path("staf/upt/<slug:code>/tindak-lanjut/", views.unit_followup, name="followup_unit"),
    path("staf/upt/<slug:code>/tindak-lanjut/<int:period_pk>/saran/", views.suggestions, name="followup_suggestions"),
    path("staf/upt/<slug:code>/tindak-lanjut/<int:period_pk>/rencana/baru/", views.plan_new,
         name="followup_plan_new"),
    path("staf/tindak-lanjut/monitoring/", views.monitoring, name="followup_monitoring"),
    path("staf/tindak-lanjut/target/", views.targets, name="followup_targets"),
    path("staf/tindak-lanjut/<int:pk>/", views.plan_detail, name="followup_plan"),
    path("staf/tindak-lanjut/<int:pk>/ubah/", views.plan_edit, name="followup_plan_edit"),
    path("staf/tindak-lanjut/<int:pk>/bukti/", views.evidence_add, name="followup_evidence_add"),
    path("staf/tindak-lanjut/<int:pk>/komentar/", views.comment_add, name="followup_comment_add"),
    path("staf/tindak-lanjut/bukti/<int:pk>/unduh/", views.evidence_download, name="followup_evidence"),
    path("staf/tindak-lanjut/bukti/<int:pk>/hapus/", views.evidence_delete, name="followup_evidence_delete"),
    path("panduan/", views.guide, name="guide"),
    path("hasil/", views.public_index, name="public_results"),
    path("hasil/upt/<slug:code>/", views.public_unit, name="public_unit"),
    path("hasil/<slug:code>/", views.public_kanwil, name="public_kanwil"),
]
