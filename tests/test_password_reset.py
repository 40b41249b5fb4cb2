"""Password reset by e-mail through Django's views, in Indonesian."""
import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_password_reset_through_the_outbox(client, org):
    org.kanwil_jateng.email = "jateng@example.go.id"
    org.kanwil_jateng.save()
    page = client.get("/akun/sandi/lupa/")
    assert page.status_code == 200 and "Lupa sandi" in page.content.decode()
    assert client.post("/akun/sandi/lupa/", {"email": "jateng@example.go.id"}).status_code == 302
    assert len(mail.outbox) == 1 and "Sandi baru" in mail.outbox[0].subject
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    form = client.get(path, follow=True)
    set_url = form.redirect_chain[-1][0]
    assert client.post(set_url, {"new_password1": "sandi-lain-yang-kuat-2",
                                 "new_password2": "sandi-lain-yang-kuat-2"}).status_code == 302
    assert client.post("/akun/masuk/", {"username": "staf.jateng", "password": "sandi-lain-yang-kuat-2"}
                       ).status_code == 302


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, org):
    response = client.post("/akun/sandi/lupa/", {"email": "tidak.ada@example.go.id"}, follow=True)
    assert "Periksa e-mail Anda" in response.content.decode()
    assert mail.outbox == []


def test_login_page_links_to_the_reset(client, db):
    assert "/akun/sandi/lupa/" in client.get("/akun/masuk/").content.decode()
