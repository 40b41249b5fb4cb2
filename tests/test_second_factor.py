"""Second factor: TOTP for Kanwil and Pusat with recovery codes; optional for UPT officers by a setting."""
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username):
    return client.post("/akun/masuk/", {"username": username, "password": PASSWORD}, follow=True)


def _code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits) + offset:06d}"[-6:]


def test_kanwil_user_sets_up_totp_then_signs_in_with_a_code_and_a_recovery_code(client, org, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp waits 1 s after a wrong code before it accepts another
    setup = _sign_in(client, "staf.jateng")
    assert setup.redirect_chain[-1][0].startswith("/akun/dua-langkah/")
    assert "Pindai kode QR" in setup.content.decode() and "data:image/svg+xml" in setup.content.decode()
    assert client.get("/staf/").status_code == 302
    device = TOTPDevice.objects.get(user=org.kanwil_jateng)
    wrong = client.post("/akun/dua-langkah/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert "Kode salah" in wrong.content.decode()
    done = client.post("/akun/dua-langkah/", {"token": _code(device), "next": "/staf/"})
    codes = re.findall(r"<li>([0-9a-f]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/staf/").status_code == 200

    client.post("/akun/keluar/")
    verify = _sign_in(client, "staf.jateng")
    assert "Verifikasi dua langkah" in verify.content.decode()
    assert client.post("/akun/dua-langkah/", {"token": codes[0], "next": "/staf/"})["Location"] == "/staf/"
    assert client.get("/staf/").status_code == 200

    client.post("/akun/keluar/")
    _sign_in(client, "staf.jateng")
    reused = client.post("/akun/dua-langkah/", {"token": codes[0]})
    assert reused.status_code == 200 and "Kode salah" in reused.content.decode()
    assert client.get("/staf/").status_code == 302


def test_upt_officers_skip_it_unless_the_setting_requires_it(client, org, settings):
    assert _sign_in(client, "petugas.semarang").redirect_chain[-1][0] == "/staf/"
    client.post("/akun/keluar/")
    settings.OTP_REQUIRED_FOR_UPT = True
    assert _sign_in(client, "petugas.semarang").redirect_chain[-1][0].startswith("/akun/dua-langkah/")


def test_a_verified_session_of_one_user_does_not_verify_another(client, org, login):
    login(org.pusat)
    assert client.get("/staf/").status_code == 200
    client.post("/akun/keluar/")
    _sign_in(client, "staf.diy")
    assert client.get("/staf/kanwil/diy-pas/").status_code == 302


def test_password_reset_pages_stay_open_without_a_second_factor(client, org):
    _sign_in(client, "staf.jateng")
    assert client.get("/akun/sandi/lupa/").status_code == 200
