"""Bench-only settings: the product's settings plus a URLconf holding the bare insert view."""
from spakspkp.settings import *  # noqa: F403

ROOT_URLCONF = "bench.submit_app.urls"
