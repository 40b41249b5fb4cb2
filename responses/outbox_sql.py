"""Triggers that record a RecomputeRequest in the same transaction as the response that needs it.

PostgreSQL: statement-level (one grouped INSERT per statement, whatever its row count); SQLite: row-level.
ON CONFLICT DO NOTHING keeps the first request time of a pending unit-period (the drain's debounce) and
takes no lock on the existing row, so concurrent submissions at one unit never wait on each other here.
"""
# ruff: noqa: S608 - the table name is a constant of this module; no value comes from input.
TABLE = "responses_recomputerequest"

POSTGRESQL_INSTALL = [
    "CREATE OR REPLACE FUNCTION responses_mark_recompute() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"INSERT INTO {TABLE} (unit_id, period_id, requested_at) SELECT DISTINCT unit_id, period_id, now() "
    "FROM changed_rows ON CONFLICT (unit_id, period_id) DO NOTHING; RETURN NULL; END $$;",
    "CREATE TRIGGER responses_mark_recompute_insert AFTER INSERT ON responses_response "
    "REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION responses_mark_recompute();",
    "CREATE TRIGGER responses_mark_recompute_update AFTER UPDATE ON responses_response "
    "REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION responses_mark_recompute();",
]
POSTGRESQL_UNINSTALL = [
    "DROP TRIGGER IF EXISTS responses_mark_recompute_insert ON responses_response;",
    "DROP TRIGGER IF EXISTS responses_mark_recompute_update ON responses_response;",
    "DROP FUNCTION IF EXISTS responses_mark_recompute();",
]
_SQLITE_BODY = (f"BEGIN INSERT OR IGNORE INTO {TABLE} (unit_id, period_id, requested_at) "
                "VALUES (NEW.unit_id, NEW.period_id, strftime('%Y-%m-%d %H:%M:%f', 'now')); END;")
SQLITE_INSTALL = [
    f"CREATE TRIGGER responses_mark_recompute_insert AFTER INSERT ON responses_response {_SQLITE_BODY}",
    "CREATE TRIGGER responses_mark_recompute_update AFTER UPDATE OF status, flagged ON responses_response "
    f"{_SQLITE_BODY}",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS responses_mark_recompute_insert;",
    "DROP TRIGGER IF EXISTS responses_mark_recompute_update;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


install = _run({"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL})
uninstall = _run({"postgresql": POSTGRESQL_UNINSTALL, "sqlite": SQLITE_UNINSTALL})
