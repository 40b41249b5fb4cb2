"""Writes: plans keep their score and done date, refuse foreign suggestions; evidence limits by content."""
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting.followups import services
from reporting.followups.models import ActionPlan, Evidence, FollowUpTarget

from .conftest import PDF, PNG, at, make_suggestion

pytestmark = pytest.mark.django_db


def new_plan(org, periods, **kwargs):
    args = {
        "unit": org.semarang, "period": periods.q3, "version": periods.spkp, "indicator_code": "SPKP3",
        "problem": "Alur membingungkan", "cause": "Tidak ada papan alur", "action": "Pasang papan alur",
        "person_in_charge": "Kasubsi Registrasi", "deadline": date(2026, 11, 30), "acting_user": org.officer_semarang,
    }
    return services.create_action_plan(**{**args, **kwargs})


def test_plan_marked_done_gets_its_done_date_and_loses_it_when_reopened(org, periods, results):
    plan = new_plan(org, periods)
    assert plan.done_on is None
    plan = services.update_action_plan(plan=plan, changes={"status": "done"}, acting_user=org.officer_semarang,
                                       now=at(2026, 11, 12))
    assert plan.done_on == date(2026, 11, 12)
    plan = services.update_action_plan(plan=plan, changes={"status": "in_progress"},
                                       acting_user=org.officer_semarang, now=at(2026, 11, 13))
    assert ActionPlan.objects.get(pk=plan.pk).done_on is None


def test_suggestion_of_another_unit_is_refused_and_nothing_saved(org, periods, results):
    foreign = make_suggestion(org.yogyakarta, periods.q3, "Saran dari Yogyakarta")
    with pytest.raises(ValidationError):
        new_plan(org, periods, suggestions=[foreign])
    assert not ActionPlan.objects.exists()


def test_unknown_indicator_is_refused(org, periods, results):
    with pytest.raises(ValidationError):
        new_plan(org, periods, indicator_code="SPKP99")
    assert not ActionPlan.objects.exists()


def test_evidence_is_stored_under_media_root_with_a_random_name(org, periods, results, settings):
    plan = new_plan(org, periods, evidence_file=SimpleUploadedFile("foto papan.png", PNG))
    evidence = Evidence.objects.get(plan=plan)
    stored = Path(evidence.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.read_bytes() == PNG
    assert "papan" not in stored.name and stored.suffix == ".png"
    assert (evidence.original_name, evidence.content_type, evidence.size) == ("foto papan.png", "image/png", len(PNG))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bukti.pdf", b"<html><script>alert(1)</script></html>"),  # renamed page
        ("bukti.png", PDF),  # real PDF named as an image
        ("bukti.exe", b"MZ\x90\x00"),
        ("bukti.gif", b"GIF89a" + b"\x00" * 10),
        ("bukti.pdf", b""),
    ],
)
def test_evidence_of_a_disallowed_type_is_refused_by_content(org, periods, results, name, content):
    plan = new_plan(org, periods)
    with pytest.raises(ValidationError):
        services.add_evidence(plan=plan, upload=SimpleUploadedFile(name, content), acting_user=org.officer_semarang)
    assert not Evidence.objects.exists()


def test_evidence_over_the_size_limit_is_refused(org, periods, results, settings):
    settings.FOLLOWUP_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="terlalu besar"):
        new_plan(org, periods, evidence_file=SimpleUploadedFile("scan.pdf", PDF + b"0" * 1024))
    assert not ActionPlan.objects.exists() and not Evidence.objects.exists()
    new_plan(org, periods, evidence_file=SimpleUploadedFile("scan.pdf", PDF))
    assert Evidence.objects.count() == 1


def test_target_is_set_once_per_instrument_and_period(org, periods):
    from decimal import Decimal

    services.set_target(instrument=periods.spak.instrument, period=None, target_nrr=Decimal("3.50"),
                        acting_user=org.pusat)
    services.set_target(instrument=periods.spak.instrument, period=None, target_nrr=Decimal("3.70"),
                        acting_user=org.pusat)
    assert list(FollowUpTarget.objects.values_list("target_nrr", flat=True)) == [Decimal("3.70")]
