"""Staff administration: invitations by e-mail, scope of who manages whom, deactivation, moves, unit access."""
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail

from surveys.models import Membership, Role

from ..factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_jateng(org):
    user = make_user("admin.jateng", role=Role.KANWIL, kanwil=org.jateng)
    Membership.objects.filter(user=user).update(is_admin=True)
    return get_user_model().objects.get(pk=user.pk)


def _invite(client, **fields):
    data = {"username": "petugas.baru", "email": "baru@example.go.id", "first_name": "Budi", "last_name": "",
            "role": "upt", **fields}
    return client.post("/staf/akun/undang/", data)


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_kanwil_admin_invites_an_officer_whose_link_sets_the_password_once(client, org, admin_jateng, login):
    login(admin_jateng)
    response = _invite(client, unit=org.semarang.pk)
    assert response.status_code == 302, response.context["form"].errors
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["baru@example.go.id"]
    user = get_user_model().objects.get(username="petugas.baru")
    assert not user.has_usable_password()
    assert user.membership.role == Role.UPT and user.membership.unit == org.semarang
    assert LogEntry.objects.filter(object_repr="petugas.baru", actor=admin_jateng).exists()

    client.post("/akun/keluar/")
    path = _link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    form = client.get(f"/{path}", follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "sandi-baru-yang-kuat-1", "new_password2": "sandi-baru-yang-kuat-1"})
    assert done.status_code == 302
    assert client.post("/akun/masuk/", {"username": "petugas.baru", "password": "sandi-baru-yang-kuat-1"}
                       ).status_code == 302
    client.post("/akun/keluar/")
    again = client.get(f"/{path}", follow=True)
    assert "tidak berlaku lagi" in again.content.decode()


def test_kanwil_admin_cannot_invite_into_another_region_or_create_pusat(client, org, admin_jateng, login):
    login(admin_jateng)
    other_region = _invite(client, unit=org.yogyakarta.pk)
    assert other_region.status_code == 200 and "unit" in other_region.context["form"].errors
    pusat = _invite(client, role="pusat", username="pusat.baru")
    assert pusat.status_code == 200 and "role" in pusat.context["form"].errors
    assert not get_user_model().objects.filter(username__in=["petugas.baru", "pusat.baru"]).exists()
    assert mail.outbox == []


def test_kanwil_staff_without_the_admin_flag_and_officers_manage_no_one(client, org, login):
    for user in (org.kanwil_jateng, org.officer_semarang):
        login(user)
        assert client.get("/staf/akun/").status_code == 403
        assert _invite(client, unit=org.semarang.pk).status_code == 403
        assert client.post(f"/staf/akun/{org.officer_surakarta.pk}/status/").status_code == 403
    assert get_user_model().objects.get(pk=org.officer_surakarta.pk).is_active


def test_pusat_invites_kanwil_staff_but_not_upt_officers(client, org, login):
    login(org.pusat)
    ok = _invite(client, role="kanwil", kanwil=org.diy.pk, is_admin="on", username="admin.diy")
    assert ok.status_code == 302
    assert get_user_model().objects.get(username="admin.diy").membership.is_admin
    officer = _invite(client, role="upt", unit=org.semarang.pk)
    assert officer.status_code == 200 and "role" in officer.context["form"].errors


def test_deactivation_blocks_login_and_keeps_the_account(client, org, admin_jateng, login):
    login(admin_jateng)
    assert client.post(f"/staf/akun/{org.officer_semarang.pk}/status/").status_code == 302
    client.post("/akun/keluar/")
    response = client.post("/akun/masuk/", {"username": "petugas.semarang", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert get_user_model().objects.filter(username="petugas.semarang", is_active=False).exists()
    assert LogEntry.objects.filter(object_repr="petugas.semarang", additional_data__account_event="deactivate"
                                   ).exists()


def test_admin_cannot_deactivate_or_move_outside_their_region(client, org, admin_jateng, login):
    login(admin_jateng)
    assert client.post(f"/staf/akun/{org.officer_yogyakarta.pk}/status/").status_code == 404
    assert client.post(f"/staf/akun/{org.kanwil_jateng.pk}/status/").status_code == 404
    assert client.post(f"/staf/akun/{org.officer_yogyakarta.pk}/pindah/",
                       {"unit": org.semarang.pk}).status_code == 404
    moved_out = client.post(f"/staf/akun/{org.officer_semarang.pk}/pindah/", {"unit": org.yogyakarta.pk})
    assert moved_out.status_code == 302
    assert Membership.objects.get(user=org.officer_semarang).unit == org.semarang


def test_moving_an_officer_changes_what_they_see(client, org, admin_jateng, login):
    login(admin_jateng)
    assert client.post(f"/staf/akun/{org.officer_semarang.pk}/pindah/",
                       {"unit": org.surakarta.pk}).status_code == 302
    login(get_user_model().objects.get(pk=org.officer_semarang.pk))
    assert client.get("/staf/upt/rutan-surakarta/").status_code == 200
    assert client.get("/staf/upt/lapas-semarang/").status_code == 404


def test_unit_access_lists_who_can_see_a_unit_with_last_login(client, org, admin_jateng, login):
    client.post("/akun/masuk/", {"username": "petugas.semarang", "password": PASSWORD})
    client.post("/akun/keluar/")
    login(admin_jateng)
    assert "/staf/upt/lapas-semarang/akses/" in client.get("/staf/upt/lapas-semarang/").content.decode()
    page = client.get("/staf/upt/lapas-semarang/akses/").content.decode()
    assert "petugas.semarang" in page and "staf.jateng" in page and "pusat" in page
    assert "petugas.surakarta" not in page and "staf.diy" not in page
    assert client.get("/staf/upt/lapas-yogyakarta/akses/").status_code == 404
    login(org.officer_semarang)
    assert client.get("/staf/upt/lapas-semarang/akses/").status_code == 403


def test_account_changes_appear_in_the_audit_log(client, org, admin_jateng, login):
    login(admin_jateng)
    client.post(f"/staf/akun/{org.officer_semarang.pk}/pindah/", {"unit": org.surakarta.pk})
    client.post(f"/staf/akun/{org.officer_surakarta.pk}/status/")
    login(org.pusat)
    page = client.get("/staf/audit/").content.decode()
    assert page.count("admin.jateng") >= 2 and "petugas.semarang" in page and "petugas.surakarta" in page
