"""Validity rules tuned against honest traffic (docs/methodology.md, "Validity"): fewer honest flags."""
from .env import env_float, env_int

# A device is a repeat only from this response on within the window: two visitors sharing one phone are
# not flagged (the second response is noted in the evidence of the third).
VALIDITY_REPEAT_DEVICE_FROM = env_int("VALIDITY_REPEAT_DEVICE_FROM", 3, minimum=2)
# Identical answer sets of the scale's top value (satisfied respondents) count towards a burst only when
# they are at least this share of all the access point's responses in the burst window (anomalous volume).
VALIDITY_TOP_BURST_MIN_SHARE = env_float("VALIDITY_TOP_BURST_MIN_SHARE", 0.5, minimum=0)

# Window-level signals (responses/windows.py), computed by the `detect-windows` beat job.
VALIDITY_WINDOW_SCAN_HOURS = env_int("VALIDITY_WINDOW_SCAN_HOURS", 48, minimum=1)
VALIDITY_WINDOW_BASELINE_DAYS = env_int("VALIDITY_WINDOW_BASELINE_DAYS", 28, minimum=1)
VALIDITY_WINDOW_BASELINE_QUANTILE = env_float("VALIDITY_WINDOW_BASELINE_QUANTILE", 0.9, minimum=0)
VALIDITY_WINDOW_MIN_RATE = env_float("VALIDITY_WINDOW_MIN_RATE", 2.0, minimum=0.1)
VALIDITY_WINDOW_VOLUME_P = env_float("VALIDITY_WINDOW_VOLUME_P", 0.0001, minimum=0)  # Poisson tail below this
VALIDITY_WINDOW_MIN_COUNT = env_int("VALIDITY_WINDOW_MIN_COUNT", 10, minimum=1)
VALIDITY_KIOSK_MIN_GAP_SECONDS = env_int("VALIDITY_KIOSK_MIN_GAP_SECONDS", 20, minimum=0)
VALIDITY_KIOSK_MIN_RUN = env_int("VALIDITY_KIOSK_MIN_RUN", 5, minimum=1)
VALIDITY_WINDOW_REFUSALS = env_int("VALIDITY_WINDOW_REFUSALS", 10, minimum=1)
# Answer-distribution shift: an access point's day whose share of responses with any score in the scale's lower
# half is improbably low against the rest of its unit and the rest of its Kanwil (one-sided Fisher exact test).
VALIDITY_SHIFT_P = env_float("VALIDITY_SHIFT_P", 0.001, minimum=0)
VALIDITY_SHIFT_MIN_N = env_int("VALIDITY_SHIFT_MIN_N", 10, minimum=1)  # responses at the access point that day
VALIDITY_SHIFT_MIN_REFERENCE = env_int("VALIDITY_SHIFT_MIN_REFERENCE", 30, minimum=1)  # responses of a reference
# Responses above the entered service count: days judged, back from today (counts are often entered late).
VALIDITY_SERVICE_DAYS_BACK = env_int("VALIDITY_SERVICE_DAYS_BACK", 35, minimum=1)
