"""Failed logins: limited per (username, address) and per address; per username only slowed down."""
import pytest
from django.conf import settings

from surveys.accounts import lockout

from .factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def delays(monkeypatch):
    slept = []
    monkeypatch.setattr(lockout, "_sleep", slept.append)
    return slept


def _try(client, username, password, ip):
    return client.post("/akun/masuk/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_an_attackers_failures_do_not_lock_the_officer_at_their_office(client, org, delays):
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        _try(client, "staf.jateng", "salah", "203.0.113.7")
    assert _try(client, "staf.jateng", PASSWORD, "203.0.113.7").status_code == 429
    assert _try(client, "staf.jateng", PASSWORD, "198.51.100.20").status_code == 302


def test_failures_from_one_address_are_limited_across_usernames(client, org, settings, delays):
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    for n in range(6):
        _try(client, f"tebakan{n}", "salah", "203.0.113.9")
    assert _try(client, "staf.diy", PASSWORD, "203.0.113.9").status_code == 429
    assert _try(client, "staf.diy", PASSWORD, "198.51.100.21").status_code == 302


def test_failures_across_addresses_slow_down_instead_of_locking(client, org, settings, delays):
    settings.LOGIN_SLOWDOWN_AFTER, settings.LOGIN_SLOWDOWN_STEP_SECONDS = 4, 0.5
    settings.LOGIN_SLOWDOWN_MAX_SECONDS = 2
    for n in range(10):
        _try(client, "staf.jateng", "salah", f"203.0.113.{n + 10}")
    assert delays == [0.5, 1.0, 1.5, 2, 2, 2]
    assert _try(client, "staf.jateng", PASSWORD, "198.51.100.22").status_code == 302
    assert len(delays) == 6  # a correct password is never delayed


def test_officer_and_admin_see_recent_failed_attempts(client, org, login, delays):
    from surveys.models import Membership, Role

    from .factories import make_user

    _try(client, "petugas.semarang", "salah", "203.0.113.50")
    login(org.officer_semarang)
    page = client.get("/staf/akun/saya/gagal-masuk/").content.decode()
    assert "203.0.113.50" in page
    admin = make_user("admin.jateng", role=Role.KANWIL, kanwil=org.jateng)
    Membership.objects.filter(user=admin).update(is_admin=True)
    login(admin)
    rows = client.get("/staf/akun/").context["accounts"]
    assert {a.username: a.recent_failures for a in rows}["petugas.semarang"] == 1


def test_client_address_behind_one_trusted_proxy_is_the_entry_it_appended(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.5", REMOTE_ADDR="172.18.0.3")
    assert lockout.client_address(request) == "198.51.100.5"
    settings.TRUSTED_PROXY_COUNT = 0
    assert lockout.client_address(request) == "172.18.0.3"
