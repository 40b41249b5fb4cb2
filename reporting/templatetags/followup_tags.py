"""`{% followup_checklist unit %}`: the period checklist partial, for the UPT's home page."""
from django import template
from django.utils import timezone

from reporting.followups.selectors import current_period, period_checklist

register = template.Library()


@register.inclusion_tag("reporting/followups/checklist.html")
def followup_checklist(unit):
    period = current_period()
    return {"checklist": period_checklist(unit, period, now=timezone.now()), "current_period": period}
