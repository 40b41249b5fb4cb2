"""/t/ (type a ticket's code) and /t/<code>/ (the unit's form, once per ticket)."""
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods

from surveys.resilience import retry_on_dropped_connection
from surveys.tickets import look_up

from ..views import _try_again, serve_form
from . import redeem

# Status codes of the pages shown instead of a form: a typo or unknown code is "not found", a used or
# expired ticket is "gone", and the closed period is a conflict with the request to answer now.
PROBLEM_STATUS = {"mistyped": 404, "unknown": 404, "used": 410, "expired": 410, "disabled": 410, "closed": 409}


def _problem(request, problem: str, *, typed: str = ""):
    return render(request, "responses/ticket_problem.html", {"problem": problem, "typed": typed[:32]},
                  status=PROBLEM_STATUS[problem])


@never_cache
@require_GET
def ticket_entry(request):
    """One large field for the code printed on the ticket; a GET form, so it works on any phone without JS."""
    typed = request.GET.get("kode", "")
    if not typed.strip():
        return render(request, "responses/ticket_entry.html", {})
    found = look_up(typed)
    if found.problem in ("mistyped", "unknown"):
        return render(request, "responses/ticket_entry.html", {"typed": typed[:32], "problem": found.problem},
                      status=PROBLEM_STATUS[found.problem])
    return redirect("ticket_form", code=found.ticket.code)


@gzip_page
@csrf_exempt  # as the poster form: the signed form token binds a submission to its form (responses/views.py)
@never_cache
@require_http_methods(["GET", "POST"])
@retry_on_dropped_connection(unavailable=_try_again)  # as the poster form: a 503 keeping the answers, never a 500
def ticket_form(request, code: str):
    found = redeem.find(code)  # surveys.tickets.look_up and questionnaire.lookup in one statement
    # A POST to a used ticket may be this very form sent twice: serve_form answers that with the thank-you page.
    if found.problem and not (found.problem == "used" and request.method == "POST"):
        return _problem(request, found.problem, typed=code)
    if found.access_point_id is None:
        return _problem(request, "disabled")
    if found.period_id is None:
        return _problem(request, "closed")
    return serve_form(request, access_point_id=found.access_point_id, period_id=found.period_id,
                      ticket=found.ticket)
