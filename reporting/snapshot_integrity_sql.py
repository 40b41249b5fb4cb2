"""SQL of the PostgreSQL trigger that checks the references of reporting_snapshot rows once per statement.

The snapshot table's scope columns (unit, Kanwil, period, instrument version, service) have no row-by-row
foreign-key constraint (reporting/models.py says why). Instead, after every INSERT or UPDATE statement, one
anti-join per column over the statement's new rows looks for a reference that does not exist and, if one
does, raises foreign_key_violation, which rolls the statement back as the constraint would have.
"""
# ruff: noqa: S608 - every name below is a constant of this module; no value comes from input.
TABLE = "reporting_snapshot"
REFERENCES = (("unit_id", "surveys_unit"), ("kanwil_id", "surveys_kanwil"), ("period_id", "surveys_period"),
              ("version_id", "surveys_instrumentversion"), ("service_id", "surveys_unitservice"))


def _check(column: str, table: str) -> str:
    return (f"SELECT x INTO missing FROM unnest(ids_{column}) AS x WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} AS r WHERE r.id = x) LIMIT 1; "
            f"IF FOUND THEN RAISE EXCEPTION 'insert or update on table \"{TABLE}\" violates its reference to "
            f"{table}: % is not present', missing USING ERRCODE = 'foreign_key_violation'; END IF;")


# One pass over the statement's rows collects the distinct ids of each column (a national recompute's 10,000
# rows reference fewer than 10,000 distinct rows in all), then each is looked up once.
FUNCTION = (
    "CREATE OR REPLACE FUNCTION reporting_snapshot_references() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE missing bigint; " + " ".join(f"ids_{column} bigint[];" for column, _t in REFERENCES) + " BEGIN "
    "SELECT " + ", ".join(f"array_agg(DISTINCT {column}) FILTER (WHERE {column} IS NOT NULL)"
                          for column, _t in REFERENCES)
    + " INTO " + ", ".join(f"ids_{column}" for column, _t in REFERENCES) + " FROM new_rows; "
    + " ".join(_check(column, table) for column, table in REFERENCES)
    + " RETURN NULL; END $$;"
)
INSTALL = [
    FUNCTION,
    f"CREATE TRIGGER reporting_snapshot_references_insert AFTER INSERT ON {TABLE} REFERENCING NEW TABLE AS "
    "new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_snapshot_references();",
    f"CREATE TRIGGER reporting_snapshot_references_update AFTER UPDATE ON {TABLE} REFERENCING NEW TABLE AS "
    "new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_snapshot_references();",
]
UNINSTALL = [
    f"DROP TRIGGER IF EXISTS reporting_snapshot_references_insert ON {TABLE};",
    f"DROP TRIGGER IF EXISTS reporting_snapshot_references_update ON {TABLE};",
    "DROP FUNCTION IF EXISTS reporting_snapshot_references();",
]
