"""SQL of the PostgreSQL triggers that keep reporting_scoretotal equal to a GROUP BY over responses_scoresheet.

Statement-level triggers with transition tables: one INSERT of 200,000 rows (or a COPY) costs one grouped
upsert, and a reviewer's UPDATE of status/flagged moves the row's scores from its old group to its new one.
`ticketed` (the response came through a survey ticket) is read from the scoresheet's response, whose channel
never changes; Django deletes a response's scoresheets before the response, so the row is there to read.
"""
# ruff: noqa: S608 - every name below is a constant of this module; no value comes from input.
from responses.models import Channel
from surveys.models import MAX_INDICATORS

KEYS = ["period_id", "unit_id", "version_id", "service_id", "status", "flagged", "ticketed"]
SCORES = range(1, MAX_INDICATORS + 1)
TOTAL_COLUMNS = ", ".join(["n", "last_response_id", "t_sum", "t_squares", *(f"s_{i}, c_{i}" for i in SCORES)])
# One response's total score t (the sum of its indicator scores); Σt and Σt² give the IK's margin of error.
RESPONSE_TOTAL = "(" + " + ".join(f"COALESCE(score_{i}, 0)" for i in SCORES) + ")"
TABLE = "reporting_scoretotal"
TICKET = Channel.TICKET.value


def with_ticketed(source: str) -> str:
    """The scoresheet rows of `source` with their response's `ticketed` (survey-ticket channel)."""
    return (f"(SELECT x.*, (r.channel = '{TICKET}') AS ticketed FROM {source} AS x "
            f"JOIN responses_response AS r ON r.id = x.response_id) AS src")


def _grouped(source: str) -> str:
    aggregates = ", ".join(f"COALESCE(SUM(score_{i}), 0), COUNT(score_{i})" for i in SCORES)
    keys = ", ".join(KEYS)
    moments = f"COALESCE(SUM({RESPONSE_TOTAL}), 0), COALESCE(SUM({RESPONSE_TOTAL} * {RESPONSE_TOTAL}), 0)"
    return (f"SELECT {keys}, COUNT(*), MAX(response_id), {moments}, {aggregates} FROM {with_ticketed(source)} "
            f"GROUP BY {keys} ORDER BY {keys}")


def _add(source: str) -> str:
    updates = ", ".join(
        ["n = t.n + EXCLUDED.n", "last_response_id = GREATEST(t.last_response_id, EXCLUDED.last_response_id)",
         "t_sum = t.t_sum + EXCLUDED.t_sum", "t_squares = t.t_squares + EXCLUDED.t_squares"]
        + [f"s_{i} = t.s_{i} + EXCLUDED.s_{i}, c_{i} = t.c_{i} + EXCLUDED.c_{i}" for i in SCORES]
    )
    return (f"INSERT INTO {TABLE} AS t ({', '.join(KEYS)}, {TOTAL_COLUMNS}) {_grouped(source)} "
            f"ON CONFLICT ({', '.join(KEYS)}) DO UPDATE SET {updates};")


def _subtract(source: str) -> str:
    columns = ", ".join(["n", "last_id", "t_sum", "t_squares", *(f"s_{i}, c_{i}" for i in SCORES)])
    updates = ", ".join(
        ["n = t.n - d.n", "t_sum = t.t_sum - d.t_sum", "t_squares = t.t_squares - d.t_squares"]
        + [f"s_{i} = t.s_{i} - d.s_{i}, c_{i} = t.c_{i} - d.c_{i}" for i in SCORES]
    )
    match = " AND ".join(f"t.{k} = d.{k}" for k in KEYS)
    return (f"UPDATE {TABLE} AS t SET {updates} FROM ({_grouped(source)}) AS d ({', '.join(KEYS)}, {columns}) "
            f"WHERE {match}; DELETE FROM {TABLE} WHERE n = 0;")


def _function(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$;")


INSTALL = [
    _function("reporting_scoretotal_insert", _add("new_rows")),
    _function("reporting_scoretotal_delete", _subtract("old_rows")),
    _function("reporting_scoretotal_update", _subtract("old_rows") + " " + _add("new_rows")),
    "CREATE TRIGGER reporting_scoretotal_insert AFTER INSERT ON responses_scoresheet "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_scoretotal_insert();",
    "CREATE TRIGGER reporting_scoretotal_delete AFTER DELETE ON responses_scoresheet "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_scoretotal_delete();",
    "CREATE TRIGGER reporting_scoretotal_update AFTER UPDATE ON responses_scoresheet "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION reporting_scoretotal_update();",
    # Rows stored before the triggers existed.
    f"DELETE FROM {TABLE}; " + _add("responses_scoresheet"),
]
UNINSTALL = [
    "DROP TRIGGER IF EXISTS reporting_scoretotal_insert ON responses_scoresheet;",
    "DROP TRIGGER IF EXISTS reporting_scoretotal_delete ON responses_scoresheet;",
    "DROP TRIGGER IF EXISTS reporting_scoretotal_update ON responses_scoresheet;",
    "DROP FUNCTION IF EXISTS reporting_scoretotal_insert();",
    "DROP FUNCTION IF EXISTS reporting_scoretotal_delete();",
    "DROP FUNCTION IF EXISTS reporting_scoretotal_update();",
]
