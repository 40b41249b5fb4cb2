"""Each role sees exactly its part of the organisation."""
import pytest

from surveys.models import Kanwil, Unit

pytestmark = pytest.mark.django_db


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_pusat_sees_every_unit_and_region(org):
    assert codes(Unit.objects.visible_to(org.pusat)) == ["lapas-semarang", "lapas-yogyakarta", "rutan-surakarta"]
    assert codes(Kanwil.objects.visible_to(org.pusat)) == ["diy-pas", "jateng-pas"]


def test_kanwil_staff_see_only_their_regions_units(org):
    assert codes(Unit.objects.visible_to(org.kanwil_jateng)) == ["lapas-semarang", "rutan-surakarta"]
    assert codes(Kanwil.objects.visible_to(org.kanwil_jateng)) == ["jateng-pas"]


def test_officer_sees_only_their_unit(org):
    assert codes(Unit.objects.visible_to(org.officer_semarang)) == ["lapas-semarang"]
    assert codes(Kanwil.objects.visible_to(org.officer_semarang)) == []


def test_user_without_membership_sees_nothing(org, django_user_model):
    user = django_user_model.objects.create_user("tamu", password="x")
    assert not Unit.objects.visible_to(user).exists()


def test_staff_home_states_role_and_scope(org, login):
    client = login(org.kanwil_jateng)
    page = client.get("/staf/").content.decode()
    assert "Kanwil Ditjenpas Jawa Tengah" in page
    assert "Lapas Kelas I Semarang" in page and "Rutan Kelas I Surakarta" in page
    assert "Lapas Kelas IIA Yogyakarta" not in page


def test_kanwil_user_gets_404_on_another_regions_unit_page(org, login):
    client = login(org.kanwil_jateng)
    assert client.get("/staf/upt/lapas-semarang/").status_code == 200
    assert client.get("/staf/upt/lapas-yogyakarta/").status_code == 404
    assert client.get("/staf/kanwil/diy-pas/").status_code == 404
    assert client.get("/staf/kanwil/jateng-pas/").status_code == 200


def test_officer_gets_404_on_another_units_page(org, login):
    client = login(org.officer_semarang)
    assert client.get("/staf/upt/lapas-semarang/").status_code == 200
    assert client.get("/staf/upt/rutan-surakarta/").status_code == 404
    assert client.get("/staf/kanwil/jateng-pas/").status_code == 404


def test_pusat_opens_any_unit_and_region(org, login):
    client = login(org.pusat)
    assert client.get("/staf/upt/lapas-yogyakarta/").status_code == 200
    assert client.get("/staf/kanwil/diy-pas/").status_code == 200


def test_anonymous_visitor_is_sent_to_login(client, org):
    response = client.get("/staf/upt/lapas-semarang/")
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


def test_user_without_membership_is_refused(client, org, django_user_model):
    client.force_login(django_user_model.objects.create_user("tamu", password="x"))
    assert client.get("/staf/").status_code == 403


def test_admin_is_for_superusers_only(client, org, login, django_user_model):
    org.pusat.is_staff = True
    org.pusat.save()
    login(org.pusat)
    assert client.get("/admin/").status_code == 302  # back to the admin login
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    assert client.get("/admin/surveys/unit/").status_code == 200
