"""Follow-up partials for other pages: `{% followup_checklist unit %}` (UPT home) and
`{% followup_movements unit period %}` (a period's dashboard: how the indicators planned before moved)."""
from django import template
from django.utils import timezone

from reporting.followups.selectors import current_period, movements_into, period_checklist

register = template.Library()


@register.inclusion_tag("reporting/followups/checklist.html")
def followup_checklist(unit):
    period = current_period()
    return {"checklist": period_checklist(unit, period, now=timezone.now()), "current_period": period}


@register.inclusion_tag("reporting/followups/movement.html")
def followup_movements(unit, period):
    previous, movements = movements_into(unit, period)
    return {"movements": movements, "movement_period": previous}
