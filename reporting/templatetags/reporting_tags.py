"""Template helpers for the dashboards: localized model text and figure formatting."""
from django import template

from surveys.models import localized as localized_text

register = template.Library()


@register.filter
def localized(obj, field: str) -> str:
    """{{ instrument|localized:"index_name" }}: the English variant when English is active and filled."""
    return localized_text(obj, field) if obj is not None else ""

