"""Turns audit-trail entries into lines a person reads, "field: old → new", in the reader's language.

auditlog stores every value as text (booleans as "True", times as naive UTC, JSON as a JSON string, related
rows by their name at the time); here each is shown as its field's kind asks: the choice's label, Ya/Tidak,
a local date and time, a number in the reader's format, a JSON list as its labels.
"""
import json
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format, time_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models.localized import localized_label
from . import EVENT_DOWNLOAD, EVENT_RETENTION, EVENT_REVIEW, EVENT_TEXT_EXPORT

ACTIONS = {
    LogEntry.Action.CREATE: gettext_lazy("Dibuat"),
    LogEntry.Action.UPDATE: gettext_lazy("Diubah"),
    LogEntry.Action.DELETE: gettext_lazy("Dihapus"),
    LogEntry.Action.ACCESS: gettext_lazy("Diunduh"),
}
M2M_OPERATIONS = {"add": gettext_lazy("ditambahkan"), "delete": gettext_lazy("dilepas"),
                  "clear": gettext_lazy("dikosongkan")}
# Names for keys that are not fields of the logged model (surveys.audit's own events) or are fields without
# a verbose name of their own, which Django would show as the English attribute name.
PLAIN_LABELS = {"filename": gettext_lazy("Nama berkas"), "status": gettext_lazy("Status"),
                "decision": gettext_lazy("Keputusan"), "response": gettext_lazy("Jawaban"),
                "created_at": gettext_lazy("Dibuat pada"), "updated_at": gettext_lazy("Diubah pada"),
                "updated_by": gettext_lazy("Diubah oleh"), "reason": gettext_lazy("Alasan"),
                "retention": gettext_lazy("Retensi")}
DEFAULT_REPR = re.compile(r"^.+ object \((\d+)\)$")


def describe(entry: LogEntry) -> dict:
    """One audit row for display: when, who, what happened to which record, and each change old → new."""
    model = entry.content_type.model_class()
    changes = []
    for name, value in (entry.changes_dict or {}).items():
        field = _field(model, name)
        if name == "id" or (field is not None and field.auto_created and not field.concrete):
            continue  # the primary key, and reverse relations auditlog lists as "…None"
        label = _label(model, field, name)
        if isinstance(value, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            operation = value.get("operation", "")
            changes.append((label, "", f"{M2M_OPERATIONS.get(operation, operation)}: "
                                       f"{', '.join(map(str, value.get('objects', [])))}"))
        elif isinstance(value, list | tuple) and len(value) == 2:
            shown = field if field is not None else _borrowed_field(model, name)
            old, new = (display_value(shown, v) for v in value)
            changes.append((label, old, new))
    kind = str(model._meta.verbose_name).capitalize() if model is not None else entry.content_type.model
    return {
        "entry": entry,
        "action": _action(entry),
        "kind": kind,
        "record": _record(entry, kind),
        "changes": changes,
    }


def _event(entry: LogEntry) -> str | None:
    return (entry.additional_data or {}).get("event") if isinstance(entry.additional_data, dict) else None


def _action(entry: LogEntry) -> str:
    event = _event(entry)
    if event == EVENT_REVIEW:
        return _("Keputusan tinjauan")
    if event == EVENT_DOWNLOAD:
        return _("Unduhan")
    if event == EVENT_TEXT_EXPORT:
        return _("Ekspor teks bebas responden")
    if event == EVENT_RETENTION:
        return _("Retensi: teks bebas dihapus, waktu dibulatkan")
    return str(ACTIONS.get(entry.action, entry.action))


def _record(entry: LogEntry, kind: str) -> str:
    """The record's name: the stored one, except where it was written in one language or as Django's
    placeholder ("Target object (12)"), which are rebuilt for the reader."""
    if _event(entry) == EVENT_REVIEW:
        decision = (entry.changes_dict or {}).get("decision", [None, ""])[1]
        field = _field(entry.content_type.model_class(), "decision")
        return f"{display_value(field, decision)} #{entry.additional_data.get('response_id', '')}"
    match = DEFAULT_REPR.match(entry.object_repr or "")
    if match:
        return f"{kind} #{match.group(1)}"
    return entry.object_repr


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _borrowed_field(model, name):
    """For an event's key that is not a field of the model (a review decision's "status"), the field of that
    name on a model it points to (the response's status), for its choices and label."""
    if model is None:
        return None
    for field in model._meta.get_fields():
        if field.many_to_one and field.related_model is not None:
            found = _field(field.related_model, name)
            if found is not None:
                return found
    return None


def _label(model, field, name: str) -> str:
    if name in PLAIN_LABELS and (field is None or field.verbose_name == name.replace("_", " ")):
        return str(PLAIN_LABELS[name])
    if field is None:
        field = _borrowed_field(model, name)
    return capfirst(str(getattr(field, "verbose_name", name)))


def display_value(field, value) -> str:
    """A stored value as a reader knows it, in the reader's language; "" for nothing."""
    if value in (None, "None", ""):
        return ""
    text = str(value)
    choices = {str(k): v for k, v in getattr(field, "flatchoices", None) or []}
    if text in choices:
        return str(choices[text])
    if text in ("True", "False") and (field is None or isinstance(field, models.BooleanField)):
        return _("Ya") if text == "True" else _("Tidak")
    try:
        if isinstance(field, models.DateTimeField):
            moment = datetime.fromisoformat(text)
            if timezone.is_naive(moment):  # auditlog keeps aware times as naive UTC
                moment = moment.replace(tzinfo=UTC)
            return date_format(timezone.localtime(moment), "j M Y H:i")
        if isinstance(field, models.DateField):
            return date_format(date.fromisoformat(text), "j M Y")
        if isinstance(field, models.TimeField):
            return time_format(time.fromisoformat(text), "H:i")
        if isinstance(field, models.DecimalField | models.FloatField):
            return number_format(Decimal(text), getattr(field, "decimal_places", None))
    except (ValueError, InvalidOperation):
        return text
    if isinstance(field, models.JSONField):
        return _json_text(text)
    return text


def _json_text(text: str) -> str:
    """A JSON value as words: a list of label rows (choices, scale labels, category bands) as its labels."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, list) and all(isinstance(row, dict) for row in data):
        return "; ".join(_row_text(row) for row in data) if data else "—"
    if isinstance(data, list):
        return ", ".join(map(str, data))
    if isinstance(data, dict):
        return "; ".join(f"{key}: {value}" for key, value in data.items())
    return str(data)


def _row_text(row: dict) -> str:
    """A band "A 88,31–100,00 (Sangat baik)", a scale point "1 = Sangat tidak setuju", a choice "Ya"."""
    label = localized_label(row)
    if "code" in row:
        limits = ""
        if "min" in row and "max" in row:
            try:
                limits = f" {number_format(Decimal(str(row['min'])), 2)}–{number_format(Decimal(str(row['max'])), 2)}"
            except InvalidOperation:
                limits = f" {row['min']}–{row['max']}"
        return f"{row['code']}{limits}" + (f" ({label})" if label else "")
    value = row.get("value", "")
    if isinstance(value, int) and label:
        return f"{value} = {label}"
    return label or str(value)
