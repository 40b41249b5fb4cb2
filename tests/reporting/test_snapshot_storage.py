"""How snapshots are stored for a national recompute: compact indicator rows read back as dicts, a statement-level
reference check instead of row-by-row foreign keys, deletes that still cascade, and the migration that compacts
rows stored before."""
import importlib
from datetime import date

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from reporting.models import Level, Snapshot
from reporting.snapshots import recompute_period
from surveys.models import Period
from tests.factories import make_period

from .conftest import make_response

pytestmark = pytest.mark.django_db


def stored_text(snapshot) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT CAST(indicators AS TEXT) FROM reporting_snapshot WHERE id = %s", [snapshot.pk])
        return cursor.fetchone()[0]


def test_indicator_rows_are_stored_compact_and_read_as_dicts(worked, period):
    recompute_period(period.pk)
    unit = Snapshot.objects.get(level=Level.UNIT, unit=worked.semarang, service=None, version__instrument__code="SPKP")
    assert stored_text(unit).startswith('[["SPKP1", 17, 5, "3.40", 17, 5, "3.40", 0, 0, null], ["SPKP2", 18, 5,')
    assert unit.indicators[0] == {"code": "SPKP1", "position": 1, "sum": 17, "count": 5, "nrr": "3.40",
                                  "sum_unflagged": 17, "count_unflagged": 5, "nrr_unflagged": "3.40",
                                  "sum_ticketed": 0, "count_ticketed": 0, "nrr_ticketed": None}
    assert Snapshot.objects.filter(pk=unit.pk).values_list("indicators", flat=True).get()[7]["position"] == 8


def test_rows_written_through_the_orm_are_stored_in_the_same_compact_form(worked, period):
    recompute_period(period.pk)
    unit = Snapshot.objects.get(level=Level.UNIT, unit=worked.semarang, service=None, version__instrument__code="SPKP")
    written = stored_text(unit)
    unit.indicators = [dict(row) for row in unit.indicators]  # dicts, as any code may hand them over
    unit.save(update_fields=["indicators"])
    assert stored_text(unit) == written
    assert recompute_period(period.pk) == 0  # the text compares equal: nothing is rewritten


@pytest.mark.postgresql
def test_a_snapshot_of_a_unit_that_does_not_exist_is_refused(worked, period):
    recompute_period(period.pk)
    unit = Snapshot.objects.filter(level=Level.UNIT).first()
    with pytest.raises(IntegrityError, match="surveys_unit: 987654 is not present"), transaction.atomic():
        Snapshot.objects.filter(pk=unit.pk).update(unit_id=987654)
    with pytest.raises(IntegrityError, match="surveys_period"), transaction.atomic():
        Snapshot.objects.create(level=Level.NATION, period_id=987654, version=unit.version)
    assert Snapshot.objects.get(pk=unit.pk).unit_id == worked.semarang.pk


def test_deletes_still_cascade_and_protect_through_the_orm(worked, period):
    recompute_period(period.pk)
    version = Snapshot.objects.filter(period=period).first().version
    with pytest.raises(ProtectedError):
        version.delete()
    empty = make_period(name="Triwulan I 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31),
                        status=Period.Status.SCHEDULED)
    Snapshot.objects.create(level=Level.NATION, period=empty, version=version)
    empty.delete()
    assert not Snapshot.objects.filter(period_id=empty.pk).exists()
    assert Snapshot.objects.filter(period=period).exists()


def test_the_migration_compacts_rows_stored_as_objects_and_the_next_recompute_writes_nothing(worked, period):
    make_response(period=period, unit=worked.yogyakarta, scores={"SPKP": [3] * 8, "SPAK": [3] * 5})
    recompute_period(period.pk)
    period.status = Period.Status.CLOSED
    period.save(update_fields=["status"])
    recompute_period(period.pk, freeze=True)
    final = Snapshot.objects.filter(is_final=True).count()
    # Rows as an older version stored them: objects with their keys.
    with connection.cursor() as cursor:
        for pk, rows in Snapshot.objects.values_list("pk", "indicators"):
            old = "[" + ", ".join("{" + ", ".join(f'"{k}": ' + ("null" if v is None else f'"{v}"' if isinstance(v, str)
                                                                  else str(v)) for k, v in row.items()) + "}"
                                  for row in rows) + "]"
            cursor.execute("UPDATE reporting_snapshot SET indicators = %s WHERE id = %s", [old, pk])
    assert all(stored_text(s).startswith("[{") for s in Snapshot.objects.all())
    migration = importlib.import_module("reporting.migrations.0011_snapshot_storage_for_national_recompute")
    migration.compact_indicator_rows(apps, connection.schema_editor())
    assert all(stored_text(s).startswith('[["') for s in Snapshot.objects.all())
    # A later recompute of the frozen period sees the same figures: no new final revision of any scope.
    assert recompute_period(period.pk) == 0
    assert Snapshot.objects.filter(is_final=True).count() == final


@pytest.mark.postgresql
def test_rows_whose_text_needs_copy_escapes_are_stored_exactly(worked, period, monkeypatch):
    from reporting import snapshots
    from surveys.models import Indicator

    monkeypatch.setattr(snapshots._Inserter, "THRESHOLD", 1)  # every row through the COPY
    odd = 'SP\\K"1\t%'
    Indicator.objects.filter(version__instrument__code="SPKP", position=1).update(code=odd)
    written = recompute_period(period.pk)
    assert written == Snapshot.objects.count()
    unit = Snapshot.objects.get(level=Level.UNIT, unit=worked.semarang, service=None, version__instrument__code="SPKP")
    assert unit.indicators[0]["code"] == odd and unit.indicators[0]["nrr"] == "3.40"
    assert recompute_period(period.pk) == 0


@pytest.mark.postgresql
def test_the_period_sums_are_read_as_one_binary_copy_of_bigints():
    from reporting.snapshot_sums import _bigint_rows

    rows = _bigint_rows("SELECT 1::bigint, 2::bigint UNION ALL SELECT -5::bigint, 9000000000::bigint", 2)
    assert rows.tolist() == [[1, 2], [-5, 9000000000]]
    assert _bigint_rows("SELECT 1::bigint WHERE false", 1).shape == (0, 1)
    # A NULL or a narrower type is refused, never read as a wrong number.
    with pytest.raises(ValueError, match="binary COPY rows"):
        _bigint_rows("SELECT 1::bigint, NULL::bigint", 2)
    with pytest.raises(ValueError, match="binary COPY rows"):
        _bigint_rows("SELECT 1::integer, 2::bigint UNION ALL SELECT 3::integer, NULL::bigint", 2)
    with pytest.raises(ValueError, match="binary COPY rows"):
        _bigint_rows("SELECT 1::integer", 1)


def test_figures_computed_in_small_chunks_equal_those_computed_at_once(worked, period, monkeypatch):
    from reporting import snapshots

    make_response(period=period, unit=worked.yogyakarta, scores={"SPKP": [3] * 8, "SPAK": [2] * 5})
    fields = ("level", "unit_id", "kanwil_id", "version_id", "service_id", "nrr", "ik", "category",
              "unit_average_ik", "unit_nrr_sum", "unit_count", "ik_margin_95", "ik_categories_95")
    recompute_period(period.pk)
    at_once = sorted(Snapshot.objects.values_list(*fields), key=str)
    Snapshot.objects.all().delete()
    monkeypatch.setattr(snapshots, "BULK_CHUNK", 1)  # every scope its own chunk: pooled sums span chunks
    recompute_period(period.pk)
    assert sorted(Snapshot.objects.values_list(*fields), key=str) == at_once
    assert any(row[0] == Level.NATION and row[10] >= 2 for row in at_once)
