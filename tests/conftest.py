"""Shared fixtures: a small organisation and one named user per role and scope.

    Kanwil Ditjenpas Jawa Tengah: Lapas Semarang, Rutan Surakarta
    Kanwil Ditjenpas DI Yogyakarta: Lapas Yogyakarta
Users: officer_semarang, officer_surakarta, officer_yogyakarta, kanwil_jateng, kanwil_diy, pusat.
"""
from types import SimpleNamespace

import pytest

from surveys.models import Role

from .factories import make_kanwil, make_unit, make_user


@pytest.fixture(scope="session", autouse=True)
def _plain_http_for_live_server():
    """The session-wide live server builds its middleware once, before per-test settings apply: without
    this, SecurityMiddleware would redirect the browser to https, which the test server does not speak."""
    from django.conf import settings as django_settings

    django_settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Production settings, minus what needs TLS or a collectstatic run; fast password hashing."""
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_instruments(request):
    """The data migration's instruments and catalogue, restored after a transactional test's flush."""
    if {"db", "transactional_db", "live_server"} & set(request.fixturenames) or request.node.get_closest_marker(
        "django_db"
    ):
        request.getfixturevalue("db" if "transactional_db" not in request.fixturenames else "transactional_db")
        from surveys.defaults import install_defaults

        install_defaults()


@pytest.fixture
def org(db):
    jateng = make_kanwil("jateng-pas", name="Kanwil Ditjenpas Jawa Tengah")
    diy = make_kanwil("diy-pas", name="Kanwil Ditjenpas DI Yogyakarta", province="DI Yogyakarta")
    semarang = make_unit(jateng, "lapas-semarang", name="Lapas Kelas I Semarang")
    surakarta = make_unit(jateng, "rutan-surakarta", name="Rutan Kelas I Surakarta", kind="rutan")
    yogyakarta = make_unit(diy, "lapas-yogyakarta", name="Lapas Kelas IIA Yogyakarta")
    return SimpleNamespace(
        jateng=jateng, diy=diy, semarang=semarang, surakarta=surakarta, yogyakarta=yogyakarta,
        officer_semarang=make_user("petugas.semarang", role=Role.UPT, unit=semarang),
        officer_surakarta=make_user("petugas.surakarta", role=Role.UPT, unit=surakarta),
        officer_yogyakarta=make_user("petugas.yogyakarta", role=Role.UPT, unit=yogyakarta),
        kanwil_jateng=make_user("staf.jateng", role=Role.KANWIL, kanwil=jateng),
        kanwil_diy=make_user("staf.diy", role=Role.KANWIL, kanwil=diy),
        pusat=make_user("pusat", role=Role.PUSAT),
    )


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that user."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
