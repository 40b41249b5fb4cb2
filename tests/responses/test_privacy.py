"""The respondent's side of anonymity: the privacy notice linked from the form, the device cookie that ends
with the period, and the retention job that deletes free text and coarsens times once a period is old."""
import uuid
from datetime import date, datetime, timedelta
from http.cookies import SimpleCookie
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from responses import devices, retention
from responses.models import Flag, Response
from surveys.audit import SYSTEM_USERNAME
from surveys.audit.display import describe
from surveys.models import ExtraItem, Period
from tests.factories import make_access_point, make_period

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


def test_form_links_the_privacy_notice_which_names_the_cookie_and_the_rules(client, survey):
    form = client.get(survey.url).content.decode()
    link = reverse("privacy_notice")
    assert f'href="{link}"' in form and "Pemberitahuan privasi" in form
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    for text in (devices.COOKIE_NAME, "akhir periode survei", "Kementerian Imigrasi dan Pemasyarakatan",
                 "27 Tahun 2022", "kurang dari 5 jawaban", "24 jam", "2 tahun", "Hak Anda", "alamat IP"):
        assert text in html, text


def test_privacy_notice_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("privacy_notice")).content.decode()
    assert "Privacy notice" in html and "Your rights" in html and "data controller" in html.lower()


def test_the_form_page_stays_small(client, survey):
    assert len(client.get(survey.url).content) <= 30 * 1024


def test_device_cookie_expires_by_the_end_of_the_period(client, survey):
    page = client.get(survey.url)
    max_age = int(page.cookies[devices.COOKIE_NAME]["max-age"])
    end = timezone.make_aware(datetime.combine(survey.period.ends_on + timedelta(days=1), datetime.min.time()))
    assert 0 < max_age <= (end - timezone.now()).total_seconds() + 5


def test_cookie_age_is_capped_with_an_injected_clock(settings):
    settings.FORM_DEVICE_COOKIE_AGE = 400 * 24 * 3600
    now = datetime(2026, 12, 30, 12, 0, tzinfo=JAKARTA)
    assert devices.cookie_age(ends_on=date(2026, 12, 31), now=now) == 36 * 3600  # to 1 Jan 00:00 local
    assert devices.cookie_age(ends_on=date(2028, 6, 30), now=now) == 400 * 24 * 3600
    response = HttpResponse()
    devices.set_device_cookie(response, "a" * 24, secure=True, ends_on=date(2026, 12, 1), now=now)
    assert devices.COOKIE_NAME not in SimpleCookie(response.cookies.output(header=""))  # period over: none


def test_retention_deletes_free_text_and_coarsens_times_of_old_closed_periods_only(org, settings):
    settings.RETENTION_CLOSED_DAYS = 730
    old = make_period(name="Triwulan I 2024", starts_on=date(2024, 1, 1), ends_on=date(2024, 3, 31),
                      status=Period.Status.CLOSED, programme="lama")
    Period.objects.filter(pk=old.pk).update(closed_at=datetime(2024, 4, 1, 9, 0, tzinfo=JAKARTA))
    recent = make_period(status=Period.Status.CLOSED, programme="baru")
    text = ExtraItem.objects.create(period=old, unit=org.semarang, kind="text", prompt="Apa yang kurang?")
    choice = ExtraItem.objects.create(period=old, unit=org.semarang, kind="choice", prompt="Pernah?",
                                      choices=[{"value": "ya", "label": "Ya"}])
    point, service = make_access_point(org.semarang), org.semarang.services.first()

    def make(period, at, **fields):
        return Response.objects.create(period=period, unit=org.semarang, access_point=point, service=service,
                                       channel="qr", created_at=at, idempotency_key=uuid.uuid4(), **fields)

    kept = {str(choice.pk): "ya"}
    a = make(old, datetime(2024, 2, 3, 14, 27, 9, tzinfo=JAKARTA), suggestion="Pak Budi di loket 2 kasar",
             extra_answers={str(text.pk): "Nama saya Siti", **kept})
    Flag.objects.create(response=a, rule=Flag.Rule.REPEAT_DEVICE, created_at=a.created_at,
                        evidence={"other_responses": [{"id": 1, "at": "2024-02-03T14:02:00+07:00"}], "count": 1})
    b = make(recent, datetime(2026, 10, 5, 9, 1, tzinfo=JAKARTA), suggestion="Baik")

    before = datetime(2026, 3, 31, 9, 0, tzinfo=JAKARTA)  # 729 days after closing: not yet
    assert retention.apply_retention(now=before) == {}
    now = datetime(2026, 4, 2, 9, 0, tzinfo=JAKARTA)
    assert retention.apply_retention(now=now) == {old.pk: 1}
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.suggestion == "" and a.extra_answers == kept
    assert timezone.localtime(a.created_at).replace(tzinfo=None) == datetime(2024, 2, 3, 0, 0)
    flag = Flag.objects.get()
    assert flag.evidence == {"other_responses": [{"id": 1, "at": "2024-02-03"}], "count": 1}
    assert timezone.localtime(flag.created_at).replace(tzinfo=None) == datetime(2024, 2, 3, 0, 0)
    assert b.suggestion == "Baik" and b.created_at == datetime(2026, 10, 5, 9, 1, tzinfo=JAKARTA)
    entry = LogEntry.objects.get(additional_data__event="retention")
    assert entry.actor.username == SYSTEM_USERNAME and entry.object_pk == str(old.pk)
    assert entry.additional_data["responses"] == 1
    assert describe(entry)["action"] == "Retensi: teks bebas dihapus, waktu dibulatkan"
    assert retention.apply_retention(now=now) == {old.pk: 0}  # idempotent, and audited only when it changed
    assert LogEntry.objects.filter(additional_data__event="retention").count() == 1


def test_retention_job_is_in_the_beat_schedule():
    jobs = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "responses.tasks.apply_retention" in jobs
