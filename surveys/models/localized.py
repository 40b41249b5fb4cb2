"""Model text in the reader's language: the English variant when English is active and filled."""
from django.utils.translation import get_language


def localized(obj, field: str) -> str:
    """The English variant of `field` when the active language is English and it is filled, else Indonesian."""
    if (get_language() or "id").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, field)


def localized_label(row: dict, default: str = "") -> str:
    """A JSON label row's `label_en` when the active language is English and it is filled, else its `label`,
    else `default` (scale labels, bands, extra item choices)."""
    if (get_language() or "id").startswith("en") and row.get("label_en"):
        return row["label_en"]
    return row.get("label") or default
