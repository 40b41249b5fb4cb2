"""Login, lockout after repeated failures, language switch."""
import pytest
from django.conf import settings

from surveys.models import Role

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_staff_logs_in_with_the_indonesian_form(client, org):
    page = client.get("/akun/masuk/")
    assert page.status_code == 200 and "Masuk staf" in page.content.decode()
    response = client.post("/akun/masuk/", {"username": "staf.jateng", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/staf/"


def test_account_is_locked_after_repeated_failed_logins(client, org):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/akun/masuk/", {"username": "staf.jateng", "password": "salah"})
    response = client.post("/akun/masuk/", {"username": "staf.jateng", "password": PASSWORD})
    assert response.status_code == 429
    assert "dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_language_switch_renders_english(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Staff sign-in" in page and "Masuk staf" not in page


def test_indonesian_is_the_default_language(client, db):
    page = client.get("/akun/masuk/").content.decode()
    assert '<html lang="id">' in page


def test_logout_ends_the_session(client, org, login):
    login(make_user("staf.lain", role=Role.KANWIL, kanwil=org.jateng))
    client.post("/akun/keluar/")
    assert client.get("/staf/").status_code == 302
