"""Respondents' own words: suggestions (saran) and answers to short-text extra items.

Every read of them, on a page or in an export, goes through `readable_texts`, so that a rule on who may
read free text and when (a minimum number of responses before a UPT officer sees any, release in batches)
is applied in that one place and nowhere else.
"""
from __future__ import annotations

import json
from datetime import datetime

from django.db.models import F, Func, QuerySet, TextField

from responses.disclosure import released
from responses.models import Response
from surveys.models import ExtraItem, Period


class AnswerText(Func):
    """`extra_answers ->> '<key>'` as plain text. The keys are ExtraItem ids ("12"), which Django's own key
    transforms read as array positions on PostgreSQL and SQLite; a plain text expression also keeps
    lookups such as icontains ordinary text lookups."""

    output_field = TextField()

    def __init__(self, key: str, field: str = "extra_answers"):
        self.key = key
        super().__init__(F(field))

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} ->> %s)", (*params, self.key)

    as_sql = as_postgresql  # the supported databases are PostgreSQL and SQLite

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"JSON_EXTRACT({sql}, %s)", (*params, f"$.{json.dumps(self.key)}")


def readable_texts(responses: QuerySet[Response]) -> QuerySet[Response]:
    """The responses among `responses` whose free text may be shown. Today: all of them."""
    return responses


def text_answers(units, period: Period, *, item: ExtraItem | None = None, q: str = "", batched: bool = False,
                 now: datetime | None = None) -> QuerySet[Response]:
    """Responses of `units` in `period` carrying free text, newest first, each annotated with `text`: the
    suggestion, or with `item` the answer to that short-text item; only those containing `q` when given.

    `batched` (a UPT officer reading their unit): only the texts released by responses.disclosure.released
    at `now` (the delay passed, in batches of at least k), searched within those."""
    responses = readable_texts(Response.objects.filter(period=period, unit__in=units))
    if item is None:
        responses = responses.exclude(suggestion="").annotate(text=F("suggestion"))
    else:
        key = str(item.pk)
        responses = responses.filter(extra_answers__has_key=key).annotate(text=AnswerText(key))
        responses = responses.exclude(text="")
    if batched:
        responses = released(responses, now=now)
    if q:
        responses = responses.filter(text__icontains=q)
    return responses.select_related("service").order_by("-created_at", "-pk")
