"""The public form's fixed SQL: run as server-side prepared statements on PostgreSQL, and the INSERTs.

Every submission runs the same few statements (access point lookup, validity neighbours, the response
and its scoresheets). Django leaves prepared statements off (`prepare_threshold` None, client-side
binding) because the ORM does not always generate SQL that can be prepared (Django ticket #20516) and
because transaction-mode connection poolers cannot keep them. These statements are plain SQL written for
it, so each connection parses and plans them once: about a third of the database's work per submission
(bench/submit). Set FORM_PREPARED_STATEMENTS=false behind a transaction-mode pooler such as PgBouncer
without `max_prepared_statements`. Elsewhere (the embedded SQLite mode) they run through Django's cursor.
"""
from django.conf import settings
from django.db import transaction
from django.db.models import NOT_PROVIDED, Model

from .models import Response, Scoresheet

try:
    import psycopg
except ImportError:  # the embedded SQLite mode does not need it
    psycopg = None


def run(sql: str, params: list) -> list[tuple]:
    """Executes one statement with `%s` placeholders on the current connection; returns its rows."""
    db = transaction.get_connection()  # the connection itself, not the per-attribute-lookup proxy
    if db.vendor != "postgresql" or not settings.FORM_PREPARED_STATEMENTS or psycopg is None:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # What Django's cursor() and execute() check first, without their wrapper objects (a tenth of a
    # submission's CPU for four statements).
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:  # psycopg's errors become Django's (IntegrityError for a repeated key)
        cursor = psycopg.Cursor(db.connection)  # server-side binding, on Django's connection
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()


# --------------------------------------------------------------------------- INSERTs
# The ORM compiles an INSERT on every call, and bulk_create on PostgreSQL sends a few rows as UNNEST arrays:
# preparing twenty-seven arrays for two rows cost more CPU than the rest of the write. These build the
# statement from the model's own columns and prepare each value with the model field, as the ORM does.
def _fields(model: type[Model], rows: list[Model], *, skip: tuple[str, ...] = ()) -> list:
    """The columns to write. Nullable columns that are empty in every row are left to the database (a
    scoresheet fills as many score columns as its instrument has items): the statement stays short, with
    fewer than 50 parameters, which psycopg converts once per worker instead of on every call."""
    return [f for f in model._meta.concrete_fields
            if not f.primary_key and f.attname not in skip and not _all_null(f, rows)]


def _all_null(field, rows: list[Model]) -> bool:
    return field.null and field.db_default is NOT_PROVIDED and all(getattr(row, field.attname) is None for row in rows)


def _values(fields: list, rows: list[Model], db) -> list:
    return [f.get_db_prep_save(getattr(row, f.attname), db) for row in rows for f in fields]


def _saved(row: Model, pk, db) -> None:
    row.pk = pk
    row._state.adding, row._state.db = False, db.alias


def insert_rows(rows: list[Model]) -> None:
    """One multi-row INSERT of model instances; sets each row's primary key when the database returns it
    (PostgreSQL, SQLite)."""
    model = type(rows[0])
    db = transaction.get_connection()
    fields = _fields(model, rows)
    quote = db.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {values}"  # noqa: S608 - names from the model
    if not db.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35
        with db.cursor() as cursor:
            cursor.execute(sql, _values(fields, rows, db))
            if len(rows) == 1:
                _saved(rows[0], cursor.lastrowid, db)
        return
    sql += f" RETURNING {quote(model._meta.pk.column)}"
    for row, (pk,) in zip(rows, run(sql, _values(fields, rows, db)), strict=True):
        _saved(row, pk, db)


def can_insert_whole() -> bool:
    """Whether `insert_whole` can run here: PostgreSQL's data-modifying WITH (not SQLite's)."""
    return transaction.get_connection().vendor == "postgresql"


def insert_whole(response: Response, sheets: list[Scoresheet]) -> None:
    """The response and its scoresheets in one statement: atomic by itself, so a submission needs no
    BEGIN and COMMIT round trips. Sets the primary keys."""
    db = transaction.get_connection()
    quote = db.ops.quote_name
    response_fields = _fields(Response, [response])
    sheet_fields = _fields(Scoresheet, sheets, skip=("response_id",))
    pk, response_column = quote(Response._meta.pk.column), quote(Scoresheet._meta.get_field("response").column)
    one_row = f"((SELECT {pk} FROM r), {', '.join(['%s'] * len(sheet_fields))})"  # noqa: S608 - placeholders
    sql = (
        f"WITH r AS (INSERT INTO {quote(Response._meta.db_table)} "  # noqa: S608 - names from the models
        f"({', '.join(quote(f.column) for f in response_fields)}) "
        f"VALUES ({', '.join(['%s'] * len(response_fields))}) RETURNING {pk}) "
        f"INSERT INTO {quote(Scoresheet._meta.db_table)} "
        f"({response_column}, {', '.join(quote(f.column) for f in sheet_fields)}) "
        f"VALUES {', '.join([one_row] * len(sheets))} "
        f"RETURNING {response_column}, {quote(Scoresheet._meta.get_field('version').column)}, "
        f"{quote(Scoresheet._meta.pk.column)}"
    )
    rows = run(sql, _values(response_fields, [response], db) + _values(sheet_fields, sheets, db))
    ids = {version_id: sheet_id for _, version_id, sheet_id in rows}  # RETURNING promises no row order
    _saved(response, rows[0][0], db)
    for sheet in sheets:
        sheet.response_id = response.pk
        _saved(sheet, ids[sheet.version_id], db)
