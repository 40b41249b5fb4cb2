"""Follow-up partial for reporting's own pages: `{% followup_movements unit period %}` (a period's dashboard:
how the indicators planned before moved). Other apps' pages get follow-up panels through UNIT_PANELS_HOOK."""
from django import template

from reporting.followups.selectors import movements_into

register = template.Library()


@register.inclusion_tag("reporting/followups/movement.html")
def followup_movements(unit, period, restricted=False):
    """`restricted`: the unit's own officers' view (no mean or change from fewer than k answers)."""
    previous, movements = movements_into(unit, period, restricted=restricted)
    return {"movements": movements, "movement_period": previous}
