"""Database triggers that keep answered (frozen) instrument versions unchanged.

Once `InstrumentVersion.frozen` is true (set when the first response is stored), the database refuses:
inserting, updating or deleting its indicators; changing its scale, labels, bands, number or instrument;
unfreezing it; deleting it. Changing its status (e.g. published -> retired) stays allowed.
PostgreSQL raises SQLSTATE 23000 (Django: IntegrityError); SQLite aborts with a constraint error.
"""
from django.db import migrations

MESSAGE = "instrument version is frozen (it has responses): create a new version instead"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION surveys_refuse_frozen_indicator() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM surveys_instrumentversion WHERE id = OLD.version_id AND frozen
    ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM surveys_instrumentversion WHERE id = NEW.version_id AND frozen
    ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER surveys_indicator_frozen
BEFORE INSERT OR UPDATE OR DELETE ON surveys_indicator
FOR EACH ROW EXECUTE FUNCTION surveys_refuse_frozen_indicator();

CREATE OR REPLACE FUNCTION surveys_refuse_frozen_version() RETURNS trigger AS $$
BEGIN
    IF NOT OLD.frozen THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000';
    END IF;
    IF NOT NEW.frozen
        OR NEW.scale_min IS DISTINCT FROM OLD.scale_min
        OR NEW.scale_max IS DISTINCT FROM OLD.scale_max
        OR NEW.scale_labels IS DISTINCT FROM OLD.scale_labels
        OR NEW.bands IS DISTINCT FROM OLD.bands
        OR NEW.number IS DISTINCT FROM OLD.number
        OR NEW.instrument_id IS DISTINCT FROM OLD.instrument_id
    THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER surveys_version_frozen
BEFORE UPDATE OR DELETE ON surveys_instrumentversion
FOR EACH ROW EXECUTE FUNCTION surveys_refuse_frozen_version();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS surveys_indicator_frozen ON surveys_indicator;
DROP TRIGGER IF EXISTS surveys_version_frozen ON surveys_instrumentversion;
DROP FUNCTION IF EXISTS surveys_refuse_frozen_indicator();
DROP FUNCTION IF EXISTS surveys_refuse_frozen_version();
"""

SQLITE_UP = [
    f"""CREATE TRIGGER surveys_indicator_frozen_insert BEFORE INSERT ON surveys_indicator
    WHEN EXISTS (SELECT 1 FROM surveys_instrumentversion WHERE id = NEW.version_id AND frozen)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER surveys_indicator_frozen_update BEFORE UPDATE ON surveys_indicator
    WHEN EXISTS (SELECT 1 FROM surveys_instrumentversion WHERE id IN (OLD.version_id, NEW.version_id) AND frozen)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER surveys_indicator_frozen_delete BEFORE DELETE ON surveys_indicator
    WHEN EXISTS (SELECT 1 FROM surveys_instrumentversion WHERE id = OLD.version_id AND frozen)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER surveys_version_frozen_update BEFORE UPDATE ON surveys_instrumentversion
    WHEN OLD.frozen AND (NOT NEW.frozen OR NEW.scale_min IS NOT OLD.scale_min OR NEW.scale_max IS NOT OLD.scale_max
        OR NEW.scale_labels IS NOT OLD.scale_labels OR NEW.bands IS NOT OLD.bands OR NEW.number IS NOT OLD.number
        OR NEW.instrument_id IS NOT OLD.instrument_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER surveys_version_frozen_delete BEFORE DELETE ON surveys_instrumentversion
    WHEN OLD.frozen
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS surveys_indicator_frozen_insert;",
    "DROP TRIGGER IF EXISTS surveys_indicator_frozen_update;",
    "DROP TRIGGER IF EXISTS surveys_indicator_frozen_delete;",
    "DROP TRIGGER IF EXISTS surveys_version_frozen_update;",
    "DROP TRIGGER IF EXISTS surveys_version_frozen_delete;",
]


def _run(schema_editor, postgres: str, sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)
    else:  # pragma: no cover - the product supports PostgreSQL, and SQLite for the embedded demo
        raise RuntimeError(f"SPAK-SPKP runs on PostgreSQL (or SQLite for the demo), not on {vendor!r}")


def create_triggers(apps, schema_editor):
    _run(schema_editor, POSTGRES_UP, SQLITE_UP)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, POSTGRES_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_default_instruments")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
