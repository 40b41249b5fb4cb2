"""Template helpers for the dashboards: localized model text and figure formatting."""
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

from reporting.uncertainty import MIN_SAMPLE, category_text
from surveys.models import localized as localized_text

register = template.Library()


@register.filter
def localized(obj, field: str) -> str:
    """{{ instrument|localized:"index_name" }}: the English variant when English is active and filled."""
    return localized_text(obj, field) if obj is not None else ""



@register.filter
def ik_interval(snapshot) -> str:
    """ "± 4,1": the 95 % margin of a snapshot's IK in the reader's number format ('' without a margin)."""
    margin = getattr(snapshot, "ik_margin_95", None)
    if margin is None:
        return ""
    return f"± {number_format(Decimal(margin).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP), 1)}"


@register.filter
def category_range(snapshot) -> str:
    """ "A, mungkin B": the IK's category and the neighbours its 95 % interval touches."""
    codes = [c for c in (getattr(snapshot, "ik_categories_95", "") or "").split(",") if c]
    if not codes:
        return getattr(snapshot, "category", "") or ""
    return category_text(codes, gettext("mungkin"))


@register.filter
def undersampled(snapshot) -> bool:
    """Fewer than 30 counted responses: the interval is wide and the sample does not yet meet the minimum."""
    n = getattr(snapshot, "n_counted", 0) or 0
    return 0 < n < MIN_SAMPLE
