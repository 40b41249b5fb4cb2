"""Recomputes stored targets by the unit rule (docs/methodology.md §4): Krejcie–Morgan of the unit's total
population, allocated to its services by largest remainder; a Kanwil's adjustments, summed per unit, are
allocated the same way. Earlier rows held Krejcie–Morgan per service, about twice the methodology's figure."""
from django.db import migrations

from surveys.sampling import unit_parts


def recompute(apps, schema_editor):
    Target = apps.get_model("surveys", "Target")
    groups: dict[tuple[int, int], list] = {}
    for target in Target.objects.select_related("service").order_by("period_id", "service__unit_id", "service_id"):
        groups.setdefault((target.period_id, target.service.unit_id), []).append(target)
    changed = []
    for targets in groups.values():
        parts = [t.adjusted_target for t in targets if t.adjusted_target is not None]
        samples, adjusted = unit_parts([t.population for t in targets], sum(parts) if parts else None)
        for target, sample, part in zip(targets, samples, adjusted, strict=True):
            if (target.sample_target, target.adjusted_target) != (sample, part):
                target.sample_target, target.adjusted_target = sample, part
                changed.append(target)
    Target.objects.bulk_update(changed, ["sample_target", "adjusted_target"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_freeze_answered_versions")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
