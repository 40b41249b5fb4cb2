"""Follow-up panels that other apps' pages show through settings.UNIT_PANELS_HOOK (surveys may not import
reporting): the period checklist on the staff home and a unit's page."""
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from surveys.models import Period, Unit

from .selectors import period_checklist


def unit_panels(*, unit: Unit, request) -> SafeString:
    """The unit's checklist for the current period, rendered."""
    period = Period.objects.current()
    return render_to_string("reporting/followups/checklist.html", {
        "checklist": period_checklist(unit, period, now=timezone.now()), "current_period": period,
    }, request=request)
