"""Kiosk tablets: clearing an idle half-filled form, and how late an enrolled tablet may send offline answers."""
from .env import env_int

# Seconds without a tap or key press before a kiosk form returns to a fresh empty form (a small script).
FORM_KIOSK_IDLE_SECONDS = env_int("FORM_KIOSK_IDLE_SECONDS", 180, minimum=10)
# Hours after a period closes during which an enrolled kiosk may still send answers completed (offline)
# while the period was open; they are stored in that period. Later ones are refused with a message to staff.
FORM_KIOSK_SYNC_GRACE_HOURS = env_int("FORM_KIOSK_SYNC_GRACE_HOURS", 72, minimum=0)
