"""Bench-only URLs: the product's, plus /bench/bare-insert/ (never part of the product)."""
from django.urls import path

from spakspkp.urls import urlpatterns as product_urlpatterns

from .views import bare_insert

urlpatterns = [*product_urlpatterns, path("bench/bare-insert/", bare_insert)]
