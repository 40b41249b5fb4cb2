"""Shared fixtures: a small organisation and one named user per role and scope.

    Kanwil Ditjenpas Jawa Tengah: Lapas Semarang, Rutan Surakarta
    Kanwil Ditjenpas DI Yogyakarta: Lapas Yogyakarta
Users: officer_semarang, officer_surakarta, officer_yogyakarta, kanwil_jateng, kanwil_diy, pusat.
"""
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from surveys.models import Role

from .factories import make_kanwil, make_unit, make_user


def pytest_configure(config):
    (Path(__file__).resolve().parent.parent / "var").mkdir(exist_ok=True)  # the SQLite test database's folder


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` need its features (triggers, prepared statements, a worker process on the
    same database): on SQLite they are skipped with the reason (`make test` deselects them there)."""
    from django.conf import settings as django_settings

    if django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; make test runs it in the PostgreSQL pass")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _plain_http_for_live_server():
    """The session-wide live server builds its middleware once, before per-test settings apply: without
    this, SecurityMiddleware would redirect the browser to https, which the test server does not speak."""
    from django.conf import settings as django_settings

    django_settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the source language: an English request leaves English active in the thread (the
    locale middleware does not reset it), and a service called directly afterwards would speak English."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Production settings, minus what needs TLS or a collectstatic run; fast password hashing."""
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    # A request in English leaves English active in the thread (LocaleMiddleware does not undo it): the next
    # test would read lazy strings in English.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


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


def _verified_force_login(original):
    """Client.force_login also passes the second factor, as a signed-in Kanwil or Pusat user has: tests that
    are not about the second factor see the verified session a real login ends with."""

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        from surveys.accounts.second_factor import needs_second_factor

        if needs_second_factor(user):
            device, _ = StaticDevice.objects.get_or_create(user=user, name="tests")
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    return force_login


def pytest_sessionstart(session):
    from django.test import Client

    Client.force_login = _verified_force_login(Client.force_login)


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that user."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


ROOT = Path(__file__).resolve().parent.parent


def _reset_celery_pools(app):
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def use_broker():
    """use_broker(url): tasks go to a real broker at url (not run in-process) until the test ends."""
    from spakspkp.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)

    def _use(url):
        app.conf.broker_url, app.conf.task_always_eager = url, False
        _reset_celery_pools(app)
        return app

    yield _use
    app.conf.broker_url, app.conf.task_always_eager = saved
    _reset_celery_pools(app)


@pytest.fixture
def start_celery_worker(transactional_db, settings):
    """start_celery_worker(broker_url): a real Celery worker process on that (emptied) Redis database,
    using this test's PostgreSQL database and MEDIA_ROOT; stopped and emptied again after the test."""
    import redis
    from django.db import connection

    started = []

    def _start(broker_url):
        if connection.vendor != "postgresql":  # a worker process cannot share a SQLite test database
            pytest.fail("a worker test needs the PostgreSQL test database: mark it @pytest.mark.postgresql")
        redis.Redis.from_url(broker_url).flushdb()
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "EMBEDDED_TASKS": "false",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DJANGO_SETTINGS_MODULE": "spakspkp.settings",
        }
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = db["PASSWORD"]
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "spakspkp", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        started.append((process, broker_url))
        return process

    yield _start
    for process, broker_url in started:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        redis.Redis.from_url(broker_url).flushdb()
