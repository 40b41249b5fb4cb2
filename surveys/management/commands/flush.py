"""`manage.py flush`, which on SQLite lifts the frozen-version guards while it empties the tables.

PostgreSQL empties tables with TRUNCATE, which row triggers do not see; SQLite runs DELETE, which the guards
that keep answered instrument versions unchanged (migration surveys 0003) would refuse once a version is
frozen. Emptying the whole database is not "changing an answered version", so the two delete guards are
dropped for the flush and put back afterwards, in every case. Test teardown on SQLite flushes through this too.
"""
import importlib

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

_guards = importlib.import_module("surveys.migrations.0003_freeze_answered_versions")
DELETE_GUARDS = {
    "surveys_indicator_frozen_delete": next(s for s in _guards.SQLITE_UP if "surveys_indicator_frozen_delete" in s),
    "surveys_version_frozen_delete": next(s for s in _guards.SQLITE_UP if "surveys_version_frozen_delete" in s),
}


class Command(DjangoFlush):
    help = DjangoFlush.help + " On SQLite the frozen-version guards are lifted for the flush."

    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            present = {name for (name,) in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s)", list(DELETE_GUARDS))}
            for name in present:
                cursor.execute(f"DROP TRIGGER {name}")
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for name in present:
                    cursor.execute(DELETE_GUARDS[name])
