"""The surveys app's models, one module per idea; import them from here (`from surveys.models import Unit`)."""
from .access_points import TOKEN_ALPHABET, TOKEN_LENGTH, AccessPoint, AccessPointQuerySet, new_token
from .instruments import MAX_INDICATORS, Indicator, Instrument, InstrumentVersion, default_bands
from .kiosks import KioskDevice, KioskRefusal, secret_digest
from .localized import localized, localized_label
from .organisation import (
    Kanwil,
    KanwilQuerySet,
    Membership,
    Role,
    ServiceCatalogue,
    Unit,
    UnitKind,
    UnitQuerySet,
    UnitService,
    UnitServiceQuerySet,
    membership_of,
    sees_everything,
)
from .periods import ExtraItem, ExtraItemQuerySet, Period, PeriodQuerySet, Target
from .service_counts import ServiceCount, ServiceCountQuerySet
from .tickets import Ticket, TicketBatch, TicketQuerySet

__all__ = [
    "MAX_INDICATORS", "TOKEN_ALPHABET", "TOKEN_LENGTH", "AccessPoint", "AccessPointQuerySet", "ExtraItem",
    "ExtraItemQuerySet", "Indicator", "Instrument", "InstrumentVersion", "Kanwil", "KanwilQuerySet",
    "KioskDevice", "KioskRefusal", "Membership",
    "Period", "PeriodQuerySet", "Role", "ServiceCatalogue", "ServiceCount", "ServiceCountQuerySet",
    "Target", "Ticket", "TicketBatch", "TicketQuerySet",
    "Unit", "UnitKind", "UnitQuerySet",
    "UnitService", "UnitServiceQuerySet", "default_bands", "localized", "localized_label", "membership_of",
    "new_token", "secret_digest", "sees_everything",
]
