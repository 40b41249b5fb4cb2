"""Survey tickets: one code, one response; typos caught by the check character; expiry; scope; printing."""
import io
import threading
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.utils import timezone

from responses.models import Response
from surveys.audit import system_actor
from surveys.models import Ticket, TicketBatch
from surveys.models.tickets import CODE_ALPHABET, check_character, is_well_formed, new_code, normalise_code
from surveys.tickets import issue_tickets
from tests.factories import make_access_point

from .conftest import PHONE_UA, answers_for, token_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(survey):
    batch = issue_tickets(access_point=survey.counter, count=3, layout="a4", service=survey.deposit,
                          acting_user=system_actor())
    return batch.tickets.order_by("pk").first()


def answer(client, url, survey, **extra):
    page = client.get(url, HTTP_USER_AGENT=PHONE_UA)
    assert page.status_code == 200, page.content.decode()[:300]
    data = {"token": token_from(page), "service": str(survey.deposit.pk), **answers_for(survey.versions), **extra}
    return page, client.post(url, data, HTTP_USER_AGENT=PHONE_UA)


# --------------------------------------------------------------------------- codes
def test_codes_are_eight_characters_without_look_alikes_and_check_themselves():
    for _ in range(200):
        code = new_code()
        assert len(code) == 8 and is_well_formed(code)
        assert not set(code) & set("01OIL")


def test_every_single_typo_and_swap_of_neighbours_is_caught():
    code = new_code()
    for i in range(8):
        for other in CODE_ALPHABET:
            if other != code[i]:
                assert not is_well_formed(code[:i] + other + code[i + 1:])
    for i in range(7):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            assert not is_well_formed(swapped)


def test_typed_codes_forgive_case_spaces_and_dashes():
    body = "K7QM4XR"
    code = body + check_character(body)
    assert normalise_code(f" {code[:4].lower()}-{code[4:]} ") == code


# --------------------------------------------------------------------------- redemption
def test_a_ticket_opens_the_units_form_with_its_service_and_redeems_once(client, survey, ticket):
    page, stored = answer(client, f"/t/{ticket.code}/", survey)
    html = page.content.decode().replace("\n", " ")
    assert f'value="{survey.deposit.pk}" id="id_service_1" required checked' in html  # the ticket's service
    assert ticket.spaced_code in html
    assert stored.status_code == 303 and stored["Location"] == survey.thanks_url
    response = Response.objects.get()
    assert (response.channel, response.unit_id, response.service_id) == ("ticket", survey.unit.pk, survey.deposit.pk)
    ticket.refresh_from_db()
    assert ticket.used and ticket.used_on == timezone.localdate()
    again = Client().get(f"/t/{ticket.code}/")
    assert again.status_code == 410 and "sudah dipakai" in again.content.decode()


def test_a_second_form_on_the_same_ticket_gets_the_used_page_and_stores_nothing(client, survey, ticket):
    first = client.get(f"/t/{ticket.code}/", HTTP_USER_AGENT=PHONE_UA)
    other = Client()
    second = other.get(f"/t/{ticket.code}/", HTTP_USER_AGENT=PHONE_UA)
    body = {"service": str(survey.deposit.pk), **answers_for(survey.versions)}
    assert client.post(f"/t/{ticket.code}/", {**body, "token": token_from(first)}).status_code == 303
    refused = other.post(f"/t/{ticket.code}/", {**body, "token": token_from(second)})
    assert refused.status_code == 409 and "sudah dipakai" in refused.content.decode()
    assert Response.objects.count() == 1


def test_the_same_form_sent_twice_lands_on_thanks_once(client, survey, ticket):
    page = client.get(f"/t/{ticket.code}/", HTTP_USER_AGENT=PHONE_UA)
    data = {"token": token_from(page), "service": str(survey.deposit.pk), **answers_for(survey.versions)}
    assert client.post(f"/t/{ticket.code}/", data).status_code == 303
    assert client.post(f"/t/{ticket.code}/", data).status_code == 303
    assert Response.objects.count() == 1


def test_a_stored_form_sent_again_with_another_ticket_keeps_that_ticket_unused(client, survey):
    first, second = issue_tickets(access_point=survey.counter, count=2, layout="a4", service=survey.deposit,
                                  acting_user=system_actor()).tickets.order_by("pk")
    page = client.get(f"/t/{first.code}/", HTTP_USER_AGENT=PHONE_UA)
    data = {"token": token_from(page), "service": str(survey.deposit.pk), **answers_for(survey.versions)}
    assert client.post(f"/t/{first.code}/", data).status_code == 303
    # The same form (its idempotency key) posted to a second ticket: the thank-you page, one response, and the
    # second ticket is still there for the next visitor.
    again = client.post(f"/t/{second.code}/", data)
    assert again.status_code == 303 and again["Location"] == survey.thanks_url
    assert Response.objects.count() == 1
    second.refresh_from_db()
    assert not second.used and second.used_on is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_store_one_response(survey):
    batch = issue_tickets(access_point=survey.counter, count=1, layout="a4", acting_user=system_actor())
    code = batch.tickets.get().code
    forms = []
    for _ in range(4):
        c = Client()
        page = c.get(f"/t/{code}/", HTTP_USER_AGENT=PHONE_UA)
        forms.append((c, {"token": token_from(page), "service": str(survey.visit.pk),
                          **answers_for(survey.versions)}))
    barrier, statuses = threading.Barrier(4), []

    def post(c, data):
        try:
            barrier.wait()
            statuses.append(c.post(f"/t/{code}/", data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=f) for f in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [303, 409, 409, 409]
    assert Response.objects.count() == 1


def test_a_mistyped_code_is_refused_by_its_check_character(client, survey, ticket):
    wrong = ticket.code[:-1] + next(c for c in CODE_ALPHABET if c != ticket.code[-1])
    page = client.get("/t/", {"kode": wrong})
    assert page.status_code == 404
    assert "tidak cocok" in page.content.decode()
    assert client.get(f"/t/{wrong}/").status_code == 404


def test_typing_the_code_reaches_the_form(client, survey, ticket):
    entry = client.get("/t/")
    assert entry.status_code == 200 and 'name="kode"' in entry.content.decode()
    typed = client.get("/t/", {"kode": f"{ticket.code[:4].lower()} {ticket.code[4:].lower()}"})
    assert typed.status_code == 302 and typed["Location"] == f"/t/{ticket.code}/"


def test_an_expired_ticket_is_refused(client, survey, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(f"/t/{ticket.code}/")
    assert page.status_code == 410 and "kedaluwarsa" in page.content.decode()


def test_a_ticket_expiring_while_the_form_is_open_is_not_redeemed(client, survey, ticket):
    page = client.get(f"/t/{ticket.code}/", HTTP_USER_AGENT=PHONE_UA)
    Ticket.objects.filter(pk=ticket.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    data = {"token": token_from(page), "service": str(survey.deposit.pk), **answers_for(survey.versions)}
    assert client.post(f"/t/{ticket.code}/", data).status_code == 410
    assert not Response.objects.exists()


def test_a_ticket_of_one_unit_cannot_open_another_units_form(client, survey, ticket):
    other = make_access_point(survey.org.surakarta, name="Loket Surakarta")
    page = client.get(f"/t/{ticket.code}/", HTTP_USER_AGENT=PHONE_UA)
    data = {"token": token_from(page), "service": str(survey.deposit.pk), **answers_for(survey.versions)}
    # The form token is bound to the ticket's access point: posted to the other unit's form it is refused.
    assert client.post(f"/s/{other.token}/", data).status_code == 400
    assert not Response.objects.exists()
    assert not Ticket.objects.filter(used=True).exists()


def test_tickets_hold_no_personal_data_and_the_hour_only(survey):
    now = timezone.now().replace(minute=37, second=12)
    batch = issue_tickets(access_point=survey.counter, count=2, layout="58mm", acting_user=system_actor(), now=now)
    issued = {t.issued_at for t in batch.tickets.all()}
    assert issued == {now.replace(minute=0, second=0, microsecond=0)}
    fields = {f.name for f in Ticket._meta.get_fields()}
    assert fields == {"id", "code", "batch", "access_point", "service", "issued_at", "expires_at", "used", "used_on"}


# --------------------------------------------------------------------------- staff
def test_officer_prints_a_batch_whose_qr_codes_open_each_ticket(client, survey, login, settings):
    settings.PUBLIC_BASE_URL = "https://survei.kemenimipas.go.id"
    officer = login(survey.org.officer_semarang)
    base = f"/staf/upt/{survey.unit.code}/titik-akses/{survey.counter.pk}/tiket/"
    assert officer.get(base).status_code == 200
    created = officer.post(base, {"count": 4, "layout": "a4", "service": survey.visit.pk})
    assert created.status_code == 302
    batch = TicketBatch.objects.get()
    assert LogEntry.objects.get_for_object(batch).filter(actor=survey.org.officer_semarang).exists()
    pdf = officer.get(f"{base}{batch.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    page = pypdfium2.PdfDocument(io.BytesIO(pdf.content))[0].render(scale=3).to_pil()
    decoded = sorted(code.text for code in zxingcpp.read_barcodes(page))
    expected = sorted(f"https://survei.kemenimipas.go.id/t/{t.code}/" for t in batch.tickets.all())
    assert decoded == expected
    listing = officer.get(base).content.decode()
    assert "Lembar A4" in listing and ">4<" in listing


@pytest.mark.parametrize("layout", ["58mm", "80mm"])
def test_thermal_layouts_print_one_slip_per_page(client, survey, login, layout):
    officer = login(survey.org.officer_semarang)
    base = f"/staf/upt/{survey.unit.code}/titik-akses/{survey.counter.pk}/tiket/"
    officer.post(base, {"count": 3, "layout": layout})
    batch = TicketBatch.objects.get()
    document = pypdfium2.PdfDocument(io.BytesIO(officer.get(f"{base}{batch.pk}.pdf").content))
    assert len(document) == 3
    width_mm = document[0].get_width() / 72 * 25.4
    assert round(width_mm) == int(layout[:2])
    codes = [c.text for c in zxingcpp.read_barcodes(document[1].render(scale=4).to_pil())]
    assert codes == [f"http://testserver/t/{batch.tickets.order_by('pk')[1].code}/"]


def test_one_ticket_at_a_time_page_prints_the_next_ticket(client, survey, login):
    officer = login(survey.org.officer_semarang)
    url = f"/staf/upt/{survey.unit.code}/titik-akses/{survey.counter.pk}/tiket/satu/"
    first = officer.post(url, {"service": survey.visit.pk})
    second = officer.post(url, {"service": survey.visit.pk})
    assert first.status_code == second.status_code == 200
    codes = list(Ticket.objects.order_by("pk").values_list("code", flat=True))
    assert len(codes) == 2 and codes[0] != codes[1]
    assert Ticket.objects.filter(code=codes[1]).get().spaced_code in second.content.decode()
    assert "Tiket berikutnya" in second.content.decode()


def test_tickets_pages_are_refused_outside_the_scope(client, survey, login):
    base = f"/staf/upt/{survey.unit.code}/titik-akses/{survey.counter.pk}/tiket/"
    batch = issue_tickets(access_point=survey.counter, count=1, layout="a4", acting_user=system_actor())
    for user in (survey.org.officer_surakarta, survey.org.kanwil_diy):
        outsider = login(user)
        assert outsider.get(base).status_code == 404
        assert outsider.post(base, {"count": 5, "layout": "a4"}).status_code == 404
        assert outsider.get(f"{base}{batch.pk}.pdf").status_code == 404
        assert outsider.post(f"{base}satu/").status_code == 404
    assert TicketBatch.objects.count() == 1
    assert login(survey.org.kanwil_jateng).get(base).status_code == 200


def test_a_batch_bigger_than_the_limit_is_refused_with_a_message(client, survey, login):
    officer = login(survey.org.officer_semarang)
    base = f"/staf/upt/{survey.unit.code}/titik-akses/{survey.counter.pk}/tiket/"
    page = officer.post(base, {"count": 5000, "layout": "a4"})
    assert page.status_code == 400 and "500" in page.content.decode()
    assert not TicketBatch.objects.exists()


def test_unit_dashboard_shows_how_respondents_came_and_the_ticket_verified_share(client, survey, ticket, login,
                                                                                fill):
    for _ in range(3):
        Client().post(survey.url, fill())  # three through the poster, each a fresh phone
    answer(Client(), f"/t/{ticket.code}/", survey)
    page = login(survey.org.kanwil_jateng).get(f"/staf/dasbor/upt/{survey.unit.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert ('data-mode="ticket"><th scope="row" class="fw-normal">Tiket survei</th>'
            '<td class="text-end figure-number">1<') in html
    assert "Terverifikasi tiket: 25,0 % dari jawaban yang dihitung." in html


def test_the_unit_sees_small_mode_counts_as_fewer_than_k(client, survey, ticket, login, fill):
    answer(Client(), f"/t/{ticket.code}/", survey)
    html = login(survey.org.officer_semarang).get(f"/staf/dasbor/upt/{survey.unit.code}/").content.decode()
    assert ('data-mode="ticket"><th scope="row" class="fw-normal">Tiket survei</th>'
            '<td class="text-end figure-number">&lt; 5<') in html
    assert "Terverifikasi tiket" not in html  # its share would give the count back
