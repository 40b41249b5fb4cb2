from django.urls import path

from . import second_factor, views

urlpatterns = [
    path("akun/dua-langkah/", second_factor.second_factor, name="second_factor"),
    path("staf/akun/", views.account_list, name="account_list"),
    path("staf/akun/undang/", views.account_invite, name="account_invite"),
    path("staf/akun/<int:pk>/status/", views.account_active, name="account_active"),
    path("staf/akun/<int:pk>/pindah/", views.account_move, name="account_move"),
    path("staf/akun/saya/gagal-masuk/", views.my_failed_logins, name="my_failed_logins"),
    path("staf/upt/<slug:code>/akses/", views.unit_access, name="unit_access"),
]
