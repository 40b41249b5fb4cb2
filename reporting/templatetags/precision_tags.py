"""`{% precision_targets snapshots versions %}`: the targets by precision of a participation table's row, one
short line per index (reporting/precision.py), beside the Krejcie–Morgan target."""
from django import template

from reporting.precision import precision_targets as targets_of

register = template.Library()


@register.inclusion_tag("reporting/includes/precision_targets.html")
def precision_targets(snapshots, versions, restricted=False):
    return {"precision": targets_of(list(snapshots), list(versions), restricted=restricted), "compact": True}
