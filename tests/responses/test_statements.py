"""How a submission reaches PostgreSQL: prepared statements, and the response with its scoresheets in one
statement when no flag has to be written. Either way the stored rows are the same."""
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from responses import services
from responses.models import Flag, Response, Scoresheet

pytestmark = pytest.mark.django_db
TEN_AM = datetime(2026, 11, 10, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # a Tuesday, within service hours


def prepared_runs() -> dict[str, int]:
    """This connection's prepared statements: text -> how many times they ran."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def submit(survey, *, key=None, minutes=0, completion_seconds=120, steered=False, device="", scores=None):
    answers = {v.pk: {i.position: (scores or {}).get((v.pk, i.position), 3) for i in v.indicators.all()}
               for v in survey.versions}
    return services.submit_response(
        access_point=survey.counter, period=survey.period, service=survey.visit, answers=answers,
        idempotency_key=key or uuid.uuid4(), completion_seconds=completion_seconds, device_hash=device,
        device_class="mobile", steered=steered, sex="m", suggestion="Antrean cepat",
        now=TEN_AM + timedelta(minutes=minutes),
    )


@pytest.fixture(autouse=True)
def _frozen(survey, django_capture_on_commit_callbacks):
    """A first submission, committed: the worker then knows the versions are frozen (it learns that after
    commit), so later submissions may take the one-statement path."""
    with django_capture_on_commit_callbacks(execute=True):
        submit(survey, minutes=-30)


def whole_statement_runs() -> int:
    return sum(n for text, n in prepared_runs().items() if text.startswith("WITH r AS (INSERT INTO"))


@pytest.mark.postgresql
def test_an_unflagged_submission_is_stored_whole_by_one_prepared_statement(survey):
    before = whole_statement_runs()
    scores = {(survey.spak.pk, 2): 4, (survey.spkp.pk, 8): 1}
    response, created = submit(survey, minutes=5, scores=scores)
    assert created and whole_statement_runs() == before + 1
    stored = Response.objects.get(pk=response.pk)
    assert (stored.unit, stored.access_point, stored.service, stored.period, stored.flagged) == (
        survey.unit, survey.counter, survey.visit, survey.period, False)
    assert (stored.sex, stored.suggestion, stored.completion_seconds, stored.steered) == ("m", "Antrean cepat", 120,
                                                                                           False)
    assert stored.created_at == TEN_AM + timedelta(minutes=5) and stored.answers_digest == response.answers_digest
    spak, spkp = (Scoresheet.objects.get(response=stored, version=v) for v in (survey.spak, survey.spkp))
    assert spak.scores(5) == [3, 4, 3, 3, 3] and spak.score_6 is None
    assert spkp.scores(8) == [3, 3, 3, 3, 3, 3, 3, 1]
    for sheet in (spak, spkp):
        assert (sheet.period, sheet.unit, sheet.service, sheet.status, sheet.flagged) == (
            survey.period, survey.unit, survey.visit, "accepted", False)


def test_a_repeated_key_on_the_one_statement_path_returns_the_first_response(survey):
    key = uuid.uuid4()
    first, created = submit(survey, key=key, minutes=5)
    again, created_again = submit(survey, key=key, minutes=6, scores={(survey.spak.pk, 1): 1})
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Response.objects.filter(idempotency_key=key).count() == 1
    assert Scoresheet.objects.filter(response=first).count() == 2
    assert Scoresheet.objects.get(response=first, version=survey.spak).score_1 == 3  # never silently changed


def test_a_flagged_submission_stores_its_flags_with_it(survey):
    response, _ = submit(survey, minutes=5, steered=True)
    assert set(Flag.objects.filter(response=response).values_list("rule", flat=True)) == {Flag.Rule.STEERED}
    assert Response.objects.get(pk=response.pk).flagged
    assert Scoresheet.objects.filter(response=response, flagged=True).count() == 2


def test_unanswered_optional_facts_are_stored_as_null(survey):
    for minutes, steered in ((5, None), (6, True)):  # the one-statement path, then with a flag to write
        response, _ = submit(survey, minutes=minutes, completion_seconds=None, steered=steered, device=f"d{minutes}")
        stored = Response.objects.get(pk=response.pk)
        assert (stored.completion_seconds, stored.steered, stored.flagged) == (None, steered, bool(steered))


@pytest.mark.postgresql
def test_with_prepared_statements_off_nothing_is_prepared_and_answers_are_stored(survey, settings):
    settings.FORM_PREPARED_STATEMENTS = False
    before = prepared_runs()
    responses = [submit(survey, minutes=k)[0] for k in range(3)]
    assert prepared_runs() == before
    assert Scoresheet.objects.filter(response__in=responses).count() == 6


def test_repeat_device_and_burst_are_found_with_prepared_statements_on_and_off(survey, settings):
    settings.VALIDITY_REPEAT_DEVICE_FROM = 2
    for prepared in (True, False):
        settings.FORM_PREPARED_STATEMENTS = prepared
        start = 60 if prepared else 120
        same = [submit(survey, minutes=start + k, device=f"phone-{prepared}-{k}")[0] for k in range(6)]
        repeat = submit(survey, minutes=start + 7, device=f"phone-{prepared}-0", scores={(survey.spak.pk, 1): 1})[0]
        burst = set(Flag.objects.filter(rule=Flag.Rule.BURST, response__in=same).values_list("response", flat=True))
        assert burst == {r.pk for r in same}
        assert set(Flag.objects.filter(rule=Flag.Rule.REPEAT_DEVICE).filter(response__in=[same[0], repeat])
                   .values_list("response", flat=True)) == {same[0].pk, repeat.pk}


@pytest.mark.postgresql
def test_the_burst_check_reads_only_responses_with_the_same_answers_even_under_a_generic_plan(survey):
    """A prepared statement may run a generic plan, chosen without the values: the burst branch must still
    read the (access point, answers digest, time) index, not every recent response of a busy counter."""
    from responses.validity import _NEIGHBOURS_SQL

    # A busy counter, analysed: many recent responses at one access point with varied answers. On a nearly
    # empty table (whatever earlier tests left behind) every index costs the same and the planner's pick says
    # nothing about production.
    template = Response.objects.first()
    Response.objects.bulk_create([
        Response(idempotency_key=uuid.uuid4(), period=template.period, unit=template.unit,
                 access_point=template.access_point, service=template.service, channel="qr",
                 created_at=TEN_AM + timedelta(seconds=20 * n), answers_digest=f"{n:032x}")
        for n in range(3000)
    ])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE responses_response")
    sql = _NEIGHBOURS_SQL.format(flag=Flag._meta.db_table, response=Response._meta.db_table)
    numbered = sql.split("%s")
    sql = "".join(part + (f"${k}" if k < len(numbered) else "") for k, part in enumerate(numbered, start=1))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("PREPARE neighbours_plan AS " + sql)
        try:
            cursor.execute("EXPLAIN EXECUTE neighbours_plan('repeat_device', 'x', 1, 'x', now() - interval '1 day', "
                           "now(), 0, 50, 'burst', 'y', 1, 'y', now() - interval '10 minutes', now(), 0)")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE neighbours_plan")
    at = plan.index("access_point_id = $11")
    assert "Index Cond" in plan[at - 30:at] and "answers_digest" in plan[at:].split("Filter")[0].split("\n")[0], plan


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_outside_any_transaction_one_statement_stores_it_and_a_repeat_returns_it(survey, settings):
    """The production path: autocommit, no surrounding transaction, versions already known frozen."""
    key = uuid.uuid4()
    first, created = submit(survey, key=key, minutes=5)
    again, created_again = submit(survey, key=key, minutes=6, scores={(survey.spak.pk, 1): 1})
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Scoresheet.objects.filter(response=first).count() == 2
    assert Response.objects.filter(idempotency_key=key).count() == 1
    assert connection.get_autocommit()  # nothing left open
    assert submit(survey, minutes=7)[1]  # and the connection still works
