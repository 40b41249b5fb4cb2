"""Disclosure rules: what the people being rated may see of their respondents, and how long raw detail is kept.

Read by `responses.disclosure`, the one module every reader of response-level data goes through
(docs/privacy.md).
"""
from .env import env_int

# A table cell (a demographic band, a service, a day, an option) built from fewer responses is shown "< k"
# to UPT officers; free text reaches them only in batches of at least this many.
DISCLOSURE_MIN_CELL = env_int("DISCLOSURE_MIN_CELL", 5, minimum=1)
# Free text reaches a UPT no sooner than this many hours after it was submitted.
DISCLOSURE_TEXT_DELAY_HOURS = env_int("DISCLOSURE_TEXT_DELAY_HOURS", 24, minimum=0)
# Days after a period's closing date before its free text is deleted and its times coarsened to the day.
RETENTION_CLOSED_DAYS = env_int("RETENTION_CLOSED_DAYS", 730, minimum=1)
