"""URL wiring: staff pages, the public form, reporting, accounts, i18n and health."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from surveys import views as survey_views

from .health import healthz

urlpatterns = [
    # The respondents' form first: the busiest address resolves on its first pattern (bench/submit).
    path("", include("responses.urls")),
    path("", survey_views.landing, name="landing"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("akun/masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/sandi/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("akun/sandi/selesai/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("akun/sandi/lupa/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("akun/sandi/lupa/terkirim/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("akun/sandi/atur/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("akun/sandi/atur/selesai/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("", include("surveys.urls")),
    path("", include("reporting.urls")),
]

handler404 = "surveys.views.not_found"
handler403 = "surveys.views.forbidden"
handler500 = "surveys.views.server_error"
