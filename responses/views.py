"""The public respondent flow at /s/<token>/: form, thank-you page, and the pages for when it cannot run."""
import logging

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from surveys.resilience import retry_on_dropped_connection, unavailable_page

from . import devices, ratelimit, tokens
from .forms import SurveyForm
from .models import Response
from .questionnaire import enabled_access_point, lookup, next_period, questionnaire_for
from .services import submit_response

logger = logging.getLogger(__name__)


def _unavailable(request):
    return render(request, "responses/unavailable.html", status=404)


def _closed(request, token, *, status):
    context = {"access_point": enabled_access_point(token), "next_period": next_period()}
    return render(request, "responses/closed.html", context, status=status)


def _thanks_redirect(access_point):
    """303 See Other (post/redirect/get): reloading the thank-you page never re-sends the answers."""
    response = redirect("public_form_thanks", token=access_point.token)
    response.status_code = 303
    return response


def _render_form(request, *, form, access_point, form_token, status=200, notice=""):
    response = render(
        request,
        "responses/form.html",
        {"form": form, "access_point": access_point, "unit": access_point.unit, "form_token": form_token,
         "notice": notice, "kiosk": access_point.kiosk},
        status=status,
    )
    if not access_point.kiosk and devices.device_id_from(request.COOKIES) is None:
        devices.set_device_cookie(response, devices.new_device_id(), secure=request.is_secure())
    return response


def _try_again(request, token):
    """The database did not answer twice: 503 with the answers kept as hidden fields (the token too, so a
    second press reuses the idempotency key and can never store the response twice)."""
    posted = [(name, value) for name, values in request.POST.lists() for value in values] \
        if request.method == "POST" else []
    return unavailable_page(request, template="responses/try_again.html", context={"posted": posted})


# The form grants no authority a forged cross-site POST could borrow (no session, no login): what binds a
# submission to a rendered form is the signed token. Without a CSRF cookie check, phones that refuse
# cookies can still answer; the device cookie is only a hint for the validity rules.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@retry_on_dropped_connection(unavailable=_try_again)
def public_form(request, token):
    found = lookup(token)
    if found is None:
        return _unavailable(request)
    access_point_id, period_id = found
    if period_id is None:
        return _closed(request, token, status=200 if request.method == "GET" else 409)
    questionnaire = questionnaire_for(access_point_id, period_id)
    access_point = questionnaire.access_point
    now = timezone.now()
    if request.method == "GET":
        initial = {"service": access_point.default_service_id} if access_point.default_service_id else {}
        form = SurveyForm.for_questionnaire(questionnaire)(initial=initial)
        return _render_form(request, form=form, access_point=access_point,
                            form_token=tokens.issue(access_point_id=access_point.pk, now=now))

    form = SurveyForm.for_questionnaire(questionnaire)(request.POST)
    if form.honeypot_filled():
        logger.info("Honeypot filled at access point %s; nothing stored", access_point.pk)
        return _thanks_redirect(access_point)
    posted_token = request.POST.get("token", "")
    try:
        form_token = tokens.read(posted_token, access_point_id=access_point.pk, now=now)
    except tokens.TokenInvalid:
        form.is_valid()
        return _render_form(
            request, form=form, access_point=access_point, status=400,
            form_token=tokens.issue(access_point_id=access_point.pk, now=now),
            notice=_("Formulir ini tidak sah atau telah diubah, jadi jawaban belum disimpan. "
                     "Periksa jawaban Anda di bawah lalu kirim sekali lagi."),
        )
    except tokens.TokenExpired as expired:
        old = expired.token
        if Response.objects.filter(idempotency_key=old.key).exists():
            return _thanks_redirect(access_point)
        form.is_valid()
        return _render_form(
            request, form=form, access_point=access_point, status=400,
            form_token=tokens.issue(access_point_id=access_point.pk, now=now, key=old.key, opened=old.opened),
            notice=_("Formulir ini sudah terlalu lama terbuka, jadi jawaban belum disimpan. "
                     "Jawaban Anda masih ada di bawah: periksa lalu kirim sekali lagi."),
        )

    if not form.is_valid():
        if Response.objects.filter(idempotency_key=form_token.key).exists():
            return _thanks_redirect(access_point)  # a retry of a form that was already stored
        return _render_form(request, form=form, access_point=access_point, form_token=posted_token, status=400)

    new_device_id = None
    if access_point.kiosk:
        device_hash = ""  # a shared tablet: every respondent would look like a repeat
    else:
        device_id = devices.device_id_from(request.COOKIES)
        if device_id is None:
            device_id = new_device_id = devices.new_device_id()
        device_hash = devices.device_hash(device_id, period_id=questionnaire.period.pk)
    if not ratelimit.allow_submission(access_point_id=access_point.pk, device_hash=device_hash):
        if Response.objects.filter(idempotency_key=form_token.key).exists():
            return _thanks_redirect(access_point)
        return render(request, "responses/rate_limited.html", {"access_point": access_point}, status=429)

    data = form.cleaned_data
    service = next(s for s in questionnaire.services if s.pk == data["service"])
    submit_response(
        access_point=access_point, period=questionnaire.period, service=service, answers=form.answers(),
        idempotency_key=form_token.key, completion_seconds=form_token.completion_seconds(now),
        device_hash=device_hash, device_class=devices.device_class(request.headers.get("User-Agent", "")),
        sex=data["sex"], age_band=data["age_band"], education=data["education"], occupation=data["occupation"],
        steered=data["steered"], suggestion=data["suggestion"], extra_answers=form.extra_answers(),
        now=now, checked=True,
    )
    response = _thanks_redirect(access_point)
    if new_device_id:
        devices.set_device_cookie(response, new_device_id, secure=request.is_secure())
    return response


@never_cache
@require_GET
def thanks(request, token):
    access_point = enabled_access_point(token)
    if access_point is None:
        return _unavailable(request)
    return render(
        request, "responses/thanks.html",
        {"access_point": access_point, "unit": access_point.unit, "kiosk": access_point.kiosk,
         "refresh_seconds": settings.FORM_KIOSK_REFRESH_SECONDS},
    )
