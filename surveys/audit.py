"""Registers the models whose changes go into the audit trail (django-auditlog)."""
from auditlog.registry import auditlog

from .models import (
    AccessPoint,
    ExtraItem,
    Indicator,
    Instrument,
    InstrumentVersion,
    Kanwil,
    Membership,
    Period,
    Target,
    Unit,
    UnitService,
)

for model in (Kanwil, Unit, UnitService, Membership, Instrument, InstrumentVersion, Indicator, Period, Target,
              ExtraItem):
    auditlog.register(model)
auditlog.register(AccessPoint, exclude_fields=["token"])
