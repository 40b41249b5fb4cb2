"""Kiosk tablets: how long an untouched half-filled form waits before it is cleared for the next person."""
from .env import env_int

# Seconds without a tap or key press before a kiosk form returns to a fresh empty form (a small script).
FORM_KIOSK_IDLE_SECONDS = env_int("FORM_KIOSK_IDLE_SECONDS", 180, minimum=10)
