"""The public respondent flow at /s/<token>/: form, thank-you page, and the pages for when it cannot run."""
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods

from surveys.resilience import retry_on_dropped_connection, unavailable_page

from . import devices, kiosk_views, ratelimit, tokens
from .forms import SurveyForm, answers_of, extra_answers_of, honeypot_filled, lean_clean
from .models import Channel, Response
from .questionnaire import enabled_access_point, lookup, next_period, questionnaire_for
from .services import submit_response
from .tickets.redeem import claim as claim_ticket

logger = logging.getLogger(__name__)
LANGUAGE_FIELD = "bahasa"


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


def _render_form(request, *, form, access_point, form_token, status=200, notice="", ticket=None):
    response = render(
        request,
        "responses/form.html",
        {"form": form, "access_point": access_point, "unit": access_point.unit, "form_token": form_token,
         "notice": notice, "kiosk": access_point.kiosk, "ticket": ticket,
         "form_action": ticket.public_path if ticket else access_point.public_path,
         "idle_seconds": settings.FORM_KIOSK_IDLE_SECONDS if access_point.kiosk else 0,
         "offline": _offline(request, access_point)},
        status=status,
    )
    if not access_point.kiosk and devices.device_id_from(request.COOKIES) is None:
        devices.set_device_cookie(response, devices.new_device_id(), secure=request.is_secure(),
                                  ends_on=form.questionnaire.period.ends_on)
    return response


def _offline(request, access_point) -> dict | None:
    """For an enrolled kiosk tablet (JavaScript on), what its offline queue needs; else None. A revoked
    tablet still gets the script, to send what it holds and show staff why it is refused, not to queue."""
    if not access_point.kiosk or kiosk_views.COOKIE_NAME not in request.COOKIES:
        return None
    device = kiosk_views.tablet(request, access_point)
    return None if device is None else kiosk_views.offline_context(access_point, revoked=not device.active)


def _switched_language(request) -> str | None:
    """The language asked for by the form's own ID/EN buttons (submit buttons of the survey form, so the
    answers ticked so far come back with the page), or None for a real submission."""
    language = request.POST.get(LANGUAGE_FIELD, "")
    return language if language in dict(settings.LANGUAGES) else None


def _remember_language(response, request, language: str | None) -> None:
    """Set (or, with None, forget) the language cookie the LocaleMiddleware reads."""
    if language is None:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)
    else:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            path=settings.LANGUAGE_COOKIE_PATH, samesite="Lax", secure=request.is_secure())


def _try_again(request, token):
    """The database did not answer twice: 503 with the answers kept as hidden fields (the token too, so a
    second press reuses the idempotency key and can never store the response twice)."""
    posted = [(name, value) for name, values in request.POST.lists() for value in values] \
        if request.method == "POST" else []
    return unavailable_page(request, template="responses/try_again.html", context={"posted": posted})


# The form grants no authority a forged cross-site POST could borrow (no session, no login): what binds a
# submission to a rendered form is the signed token. Without a CSRF cookie check, phones that refuse
# cookies can still answer; the device cookie is only a hint for the validity rules.
# Compressed here (docs/public-form.md, "Size and compression"): the page holds no CSRF token or other
# secret, so BREACH has nothing to recover, and Django's GZipMiddleware adds its random-length padding anyway.
@csrf_exempt
@gzip_page
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
    return serve_form(request, access_point_id=access_point_id, period_id=period_id)


class TicketAlreadyUsed(Exception):
    """Another submission redeemed this ticket first (the database decided)."""


def serve_form(request, *, access_point_id: int, period_id: int, ticket=None):
    """The form of one access point in one period: shown on GET, stored on POST. With a survey `ticket`, the
    ticket's service is preset and the ticket is marked used in the same transaction as the response."""
    questionnaire = questionnaire_for(access_point_id, period_id)
    access_point = questionnaire.access_point
    now = timezone.now()
    if request.method == "GET":
        if access_point.kiosk:
            translation.activate(settings.LANGUAGE_CODE)  # each kiosk respondent starts in Indonesian
        service_id = (ticket.service_id if ticket else None) or access_point.default_service_id
        initial = {"service": service_id} if service_id else {}
        form = SurveyForm.for_questionnaire(questionnaire)(initial=initial)
        response = _render_form(request, form=form, access_point=access_point, ticket=ticket,
                                form_token=tokens.issue(access_point_id=access_point.pk, now=now))
        if access_point.kiosk and settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            _remember_language(response, request, None)
        return response

    if language := _switched_language(request):
        # The same page in the other language with the answers given so far; nothing is checked or stored.
        translation.activate(language)
        answers = {name: value for name, value in request.POST.items() if name not in ("token", LANGUAGE_FIELD)}
        form = SurveyForm.for_questionnaire(questionnaire)(initial=answers)
        response = _render_form(request, form=form, access_point=access_point, ticket=ticket,
                                form_token=request.POST.get("token", ""))
        _remember_language(response, request, language)
        return response

    if honeypot_filled(request.POST):
        logger.info("Honeypot filled at access point %s; nothing stored", access_point.pk)
        return _thanks_redirect(access_point)
    # The usual submission is valid: checked against the questionnaire without building a form (see
    # responses.forms.lean_clean); anything else goes through the full form and its messages.
    cleaned = lean_clean(questionnaire, request.POST)
    form = None if cleaned is not None else SurveyForm.for_questionnaire(questionnaire)(request.POST)

    def full_form():
        return form or SurveyForm.for_questionnaire(questionnaire)(request.POST)

    posted_token = request.POST.get("token", "")
    try:
        form_token = tokens.read(posted_token, access_point_id=access_point.pk, now=now)
    except tokens.TokenInvalid:
        form = full_form()
        form.is_valid()
        return _render_form(
            request, form=form, access_point=access_point, status=400, ticket=ticket,
            form_token=tokens.issue(access_point_id=access_point.pk, now=now),
            notice=_("Formulir ini tidak sah atau telah diubah, jadi jawaban belum disimpan. "
                     "Periksa jawaban Anda di bawah lalu kirim sekali lagi."),
        )
    except tokens.TokenExpired as expired:
        old = expired.token
        if Response.objects.filter(idempotency_key=old.key).exists():
            return _thanks_redirect(access_point)
        form = full_form()
        form.is_valid()
        return _render_form(
            request, form=form, access_point=access_point, status=400, ticket=ticket,
            form_token=tokens.issue(access_point_id=access_point.pk, now=now, key=old.key, opened=old.opened),
            notice=_("Formulir ini sudah terlalu lama terbuka, jadi jawaban belum disimpan. "
                     "Jawaban Anda masih ada di bawah: periksa lalu kirim sekali lagi."),
        )

    if form is not None and not form.is_valid():
        if Response.objects.filter(idempotency_key=form_token.key).exists():
            return _thanks_redirect(access_point)  # a retry of a form that was already stored
        return _render_form(request, form=form, access_point=access_point, form_token=posted_token, status=400,
                            ticket=ticket)

    new_device_id = None
    if access_point.kiosk:
        device_hash = ""  # a shared tablet: every respondent would look like a repeat
    else:
        device_id = devices.device_id_from(request.COOKIES)
        if device_id is None:
            device_id = new_device_id = devices.new_device_id()
        device_hash = devices.device_hash(device_id, period_id=questionnaire.period.pk)
    # A ticket is its own limit (one response each); the rate limits guard the open poster links.
    verdict = ratelimit.Verdict.OK if ticket is not None else ratelimit.check_submission(
        access_point_id=access_point.pk, device_hash=device_hash)
    if verdict == ratelimit.Verdict.REFUSED:
        if Response.objects.filter(idempotency_key=form_token.key).exists():
            return _thanks_redirect(access_point)
        ratelimit.count_refusal(access_point_id=access_point.pk, device_hash=device_hash, now=now)
        return render(request, "responses/rate_limited.html", {"access_point": access_point}, status=429)

    data = cleaned if form is None else form.cleaned_data
    service = next(s for s in questionnaire.services if s.pk == data["service"])

    def store(**extra):
        return submit_response(
            access_point=access_point, period=questionnaire.period, service=service,
            answers=answers_of(questionnaire, data),
            idempotency_key=form_token.key, completion_seconds=form_token.completion_seconds(now),
            device_hash=device_hash, device_class=devices.device_class(request.headers.get("User-Agent", "")),
            sex=data["sex"], age_band=data["age_band"], education=data["education"], occupation=data["occupation"],
            steered=data["steered"], suggestion=data["suggestion"],
            extra_answers=extra_answers_of(questionnaire, data),
            now=now, checked=True, flood=verdict == ratelimit.Verdict.FLOOD, **extra,
        )

    if ticket is None:
        store()
    else:
        try:
            with transaction.atomic():
                if not claim_ticket(ticket_id=ticket.pk, access_point_id=access_point.pk, now=now):
                    raise TicketAlreadyUsed
                # No savepoint: the claim and the response stand or fall together, in fewer round trips.
                store(channel=Channel.TICKET, savepoint=False)
        except (TicketAlreadyUsed, IntegrityError) as problem:
            # Rolled back whole (the ticket stays unused if the response was not stored).
            if Response.objects.filter(idempotency_key=form_token.key).exists():
                return _thanks_redirect(access_point)  # this very form, sent twice
            if isinstance(problem, IntegrityError):
                raise
            return render(request, "responses/ticket_problem.html", {"problem": "used"}, status=409)
    response = _thanks_redirect(access_point)
    if new_device_id:
        devices.set_device_cookie(response, new_device_id, secure=request.is_secure(),
                                  ends_on=questionnaire.period.ends_on, now=now)
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
         "refresh_seconds": settings.FORM_KIOSK_REFRESH_SECONDS, "offline": _offline(request, access_point)},
    )


@require_GET
def privacy_notice(request):
    """What the survey stores and does not, for how long, who sees what, and the respondent's rights."""
    return render(request, "responses/privacy.html", {
        "cookie_name": devices.COOKIE_NAME,
        "min_cell": settings.DISCLOSURE_MIN_CELL,
        "delay_hours": settings.DISCLOSURE_TEXT_DELAY_HOURS,
        "retention_years": max(1, round(settings.RETENTION_CLOSED_DAYS / 365)),
    })
