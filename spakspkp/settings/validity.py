"""Validity rules tuned against honest traffic (docs/methodology.md, "Validity"): fewer honest flags."""
from .env import env_float, env_int

# A device is a repeat only from this response on within the window: two visitors sharing one phone are
# not flagged (the second response is noted in the evidence of the third).
VALIDITY_REPEAT_DEVICE_FROM = env_int("VALIDITY_REPEAT_DEVICE_FROM", 3, minimum=2)
# Identical answer sets of the scale's top value (satisfied respondents) count towards a burst only when
# they are at least this share of all the access point's responses in the burst window (anomalous volume).
VALIDITY_TOP_BURST_MIN_SHARE = env_float("VALIDITY_TOP_BURST_MIN_SHARE", 0.5, minimum=0)
