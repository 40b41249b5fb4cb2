"""Staff pages of the organisation, instruments, periods, targets and access points."""
from django.urls import path

from . import access_points, instruments, kanwil, organisation, periods, service_counts, tickets, units

urlpatterns = [
    # Pusat: the organisation import
    path("staf/organisasi/impor/", organisation.organisation_import, name="organisation_import"),
    path("staf/organisasi/templat.xlsx", organisation.organisation_template, name="organisation_template"),
    # Kanwil
    path("staf/kanwil/<slug:code>/", kanwil.kanwil_detail, name="kanwil_detail"),
    path("staf/kanwil/<slug:code>/butir-tambahan/", kanwil.kanwil_extra_items, name="kanwil_extra_items"),
    # UPT
    path("staf/upt/<slug:code>/layanan/", units.unit_services, name="unit_services"),
    path("staf/upt/<slug:code>/jam-layanan/", units.unit_hours, name="unit_hours"),
    path("staf/upt/<slug:code>/layanan/<int:pk>/status/", units.unit_service_toggle, name="unit_service_toggle"),
    path("staf/upt/<slug:code>/target/", units.unit_targets, name="unit_targets"),
    path("staf/upt/<slug:code>/target/salin/", units.unit_targets_carry, name="unit_targets_carry"),
    path("staf/upt/<slug:code>/jumlah-layanan/", service_counts.service_counts, name="service_counts"),
    path("staf/upt/<slug:code>/jumlah-layanan/unggah/", service_counts.service_counts_upload,
         name="service_counts_upload"),
    path("staf/upt/<slug:code>/jumlah-layanan/templat.<str:kind>", service_counts.service_counts_template,
         name="service_counts_template"),
    path("staf/upt/<slug:code>/butir-tambahan/", units.unit_extra_items, name="unit_extra_items"),
    path("staf/upt/<slug:code>/pratinjau/", units.unit_preview, name="unit_preview"),
    path("staf/butir-tambahan/<int:pk>/status/", units.extra_item_toggle, name="extra_item_toggle"),
    path("staf/upt/<slug:code>/titik-akses/", access_points.access_point_list, name="access_point_list"),
    path("staf/upt/<slug:code>/titik-akses/<int:pk>/", access_points.access_point_detail,
         name="access_point_detail"),
    path("staf/upt/<slug:code>/titik-akses/<int:pk>/status/", access_points.access_point_toggle,
         name="access_point_toggle"),
    path("staf/upt/<slug:code>/titik-akses/<int:pk>/tautan-baru/", access_points.access_point_rotate,
         name="access_point_rotate"),
    path("staf/upt/<slug:code>/titik-akses/<int:pk>/kios/kode/", access_points.access_point_kiosk_code,
         name="access_point_kiosk_code"),
    path("staf/upt/<slug:code>/titik-akses/<int:pk>/kios/<int:device>/cabut/",
         access_points.access_point_kiosk_revoke, name="access_point_kiosk_revoke"),
    path("staf/upt/<slug:code>/titik-akses/<int:pk>/poster/", access_points.access_point_poster,
         name="access_point_poster"),
    path("staf/upt/<slug:code>/titik-akses/<int:pk>/poster.png", access_points.access_point_poster_png,
         name="access_point_poster_png"),
    # Pusat: instruments; everyone: periods (managers open and close)
    path("staf/upt/<slug:code>/titik-akses/<int:pk>/tiket/", tickets.ticket_list, name="ticket_list"),
    path("staf/upt/<slug:code>/titik-akses/<int:pk>/tiket/<int:batch_pk>.pdf", tickets.ticket_batch_pdf,
         name="ticket_batch_pdf"),
    path("staf/upt/<slug:code>/titik-akses/<int:pk>/tiket/satu/", tickets.ticket_single, name="ticket_single"),
    path("staf/instrumen/", instruments.instrument_list, name="instrument_list"),
    path("staf/instrumen/impor/", instruments.instrument_import, name="instrument_import"),
    path("staf/instrumen/<slug:code>/v<int:number>/", instruments.version_detail, name="version_detail"),
    path("staf/instrumen/<slug:code>/v<int:number>/ubah/", instruments.version_edit, name="version_edit"),
    path("staf/instrumen/<slug:code>/v<int:number>/draf-baru/", instruments.version_new_draft,
         name="version_new_draft"),
    path("staf/instrumen/<slug:code>/v<int:number>/status/", instruments.version_status, name="version_status"),
    path("staf/instrumen/<slug:code>/v<int:number>/ekspor.json", instruments.version_export, name="version_export"),
    path("staf/periode/", periods.period_list, name="period_list"),
    path("staf/periode/<int:pk>/buka/", periods.period_open, name="period_open"),
    path("staf/periode/<int:pk>/tutup/", periods.period_close, name="period_close"),
    path("staf/periode/<int:pk>/buka-kembali/", periods.period_reopen, name="period_reopen"),
]
