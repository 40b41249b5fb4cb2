"""A database connection that drops (a restart, a failover) never shows a respondent or an officer a 500:
the form retries once on a fresh connection with the same idempotency key, else keeps the answers on a 503."""
import html
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from responses.models import Response, Scoresheet


def _terminate_this_connection():
    """What a PostgreSQL restart does to an idle web process: its backend is gone, the socket looks open."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("prepare_threshold", None)
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0] is True


@contextmanager
def database_down():
    """The database stops answering: every new connection is refused (PostgreSQL) or cannot open (SQLite)."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict["PORT"] = "1"
    else:
        connection.settings_dict["NAME"] = "/nonexistent/folder/db.sqlite3"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_terminated_connection_before_submit_stores_once_and_thanks(client, survey, fill):
    data = fill(suggestion="Antrean cepat")
    _terminate_this_connection()
    page = client.post(survey.url, data)
    assert page.status_code == 303 and page["Location"] == survey.thanks_url
    assert Response.objects.count() == 1 and Scoresheet.objects.count() == 2
    assert client.post(survey.url, data).status_code == 303  # pressing again stores nothing more
    assert Response.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_database_unavailable_gives_503_with_answers_kept_then_resending_stores_once(client, survey, fill):
    data = fill(suggestion="Petugas ramah & sigap")
    with database_down():
        page = client.post(survey.url, data)
    body = page.content.decode()
    assert page.status_code == 503 and page["Retry-After"]
    assert "Jawaban Anda belum terkirim" in body and "Kirim lagi" in body
    assert f'name="token" value="{html.escape(data["token"])}"' in body
    assert 'name="suggestion" value="Petugas ramah &amp; sigap"' in body
    assert f'name="q{survey.spak.pk}_1" value="3"' in body
    assert Response.objects.count() == 0
    assert client.post(survey.url, data).status_code == 303  # the kept answers, sent again
    assert client.post(survey.url, data).status_code == 303
    assert Response.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_public_form_get_with_database_down_is_a_friendly_503(client, survey):
    with database_down():
        page = client.get(survey.url)
    assert page.status_code == 503 and "Coba lagi" in page.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["home", "login"])
def test_staff_page_with_database_down_is_the_friendly_503(org, name):
    # The session is read by a middleware before any view: Django's handler500 answers, as in production
    # (the test client would otherwise re-raise the exception it saw instead of returning the response).
    client = Client(raise_request_exception=False)
    client.force_login(org.kanwil_jateng)
    with database_down():
        page = client.get(reverse(name))
    assert page.status_code == 503
    assert "Sebentar lagi, coba lagi" in page.content.decode()
