"""An answered (frozen) instrument version cannot change, even by a direct ORM update: the database refuses."""
import pytest
from django.db import DatabaseError, transaction

from surveys.audit import system_actor
from surveys.models import Indicator, InstrumentVersion
from surveys.services import copy_as_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_spak():
    version = InstrumentVersion.objects.get(instrument__code="SPAK", number=1)
    # What the form app does when the first response to a version is stored.
    InstrumentVersion.objects.filter(pk=version.pk).update(frozen=True)
    version.refresh_from_db()
    return version


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError:  # IntegrityError on PostgreSQL (SQLSTATE 23000)
        return True
    return False


def test_direct_orm_update_of_a_frozen_versions_indicators_is_refused(frozen_spak):
    assert refused(lambda: Indicator.objects.filter(version=frozen_spak).update(statement="Diubah diam-diam"))
    assert not Indicator.objects.filter(version=frozen_spak, statement="Diubah diam-diam").exists()


def test_saving_one_indicator_of_a_frozen_version_is_refused(frozen_spak):
    indicator = frozen_spak.indicators.get(code="SPAK4")
    indicator.statement_en = "changed"
    assert refused(indicator.save)
    indicator.refresh_from_db()
    assert indicator.statement_en != "changed"


def test_adding_or_deleting_indicators_of_a_frozen_version_is_refused(frozen_spak):
    assert refused(lambda: Indicator.objects.create(version=frozen_spak, position=6, code="SPAK6", statement="x"))
    assert refused(lambda: frozen_spak.indicators.filter(code="SPAK5").delete())
    assert frozen_spak.indicators.count() == 5


def test_frozen_versions_scale_and_bands_cannot_change_nor_be_unfrozen(frozen_spak):
    versions = InstrumentVersion.objects.filter(pk=frozen_spak.pk)
    assert refused(lambda: versions.update(scale_max=6))
    assert refused(lambda: versions.update(scale_labels=[]))
    assert refused(lambda: versions.update(bands=[]))
    assert refused(lambda: versions.update(frozen=False))
    assert refused(frozen_spak.delete)
    frozen_spak.refresh_from_db()
    assert (frozen_spak.scale_max, frozen_spak.frozen, len(frozen_spak.bands)) == (4, True, 4)


def test_a_frozen_version_may_still_be_retired(frozen_spak):
    assert not refused(lambda: InstrumentVersion.objects.filter(pk=frozen_spak.pk).update(status="retired"))
    frozen_spak.refresh_from_db()
    assert frozen_spak.status == "retired"


def test_unfrozen_versions_indicators_stay_editable():
    version = InstrumentVersion.objects.get(instrument__code="SPKP", number=1)
    assert not refused(lambda: Indicator.objects.filter(version=version, code="SPKP1").update(help_text="Info"))


def test_editing_a_frozen_version_makes_a_new_draft_with_the_same_content(frozen_spak):
    draft = copy_as_draft(version=frozen_spak, acting_user=system_actor())
    assert (draft.number, draft.status, draft.frozen) == (2, "draft", False)
    assert list(draft.indicators.values_list("code", "statement")) == list(
        frozen_spak.indicators.values_list("code", "statement")
    )
    Indicator.objects.filter(version=draft, code="SPAK1").update(statement="Kalimat baru")
    assert draft.indicators.get(code="SPAK1").statement == "Kalimat baru"


def test_pusat_editing_a_frozen_version_is_sent_to_a_new_draft(org, login, frozen_spak):
    client = login(org.pusat)
    response = client.get("/staf/instrumen/SPAK/v1/ubah/")
    assert response.status_code == 302 and response["Location"] == "/staf/instrumen/SPAK/v1/"
    response = client.post("/staf/instrumen/SPAK/v1/draf-baru/")
    assert response["Location"] == "/staf/instrumen/SPAK/v2/ubah/"
    page = client.get("/staf/instrumen/SPAK/v2/ubah/")
    assert page.status_code == 200 and "SPAK5" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_a_database_with_a_frozen_version_and_the_guards_stay(frozen_spak):
    from django.core.management import call_command

    from surveys.defaults import install_defaults

    call_command("flush", interactive=False, verbosity=0)
    assert not InstrumentVersion.objects.exists()
    install_defaults()
    version = InstrumentVersion.objects.get(instrument__code="SPAK", number=1)
    InstrumentVersion.objects.filter(pk=version.pk).update(frozen=True)
    assert refused(lambda: Indicator.objects.filter(version=version).delete())
    assert refused(lambda: InstrumentVersion.objects.filter(pk=version.pk).delete())
