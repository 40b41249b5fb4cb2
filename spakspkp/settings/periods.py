"""The period's life: how long after closing Pusat may reopen it, and how often the dates are checked."""
from .env import env_int

# Pusat may reopen a period closed fewer than this many days ago (with a reason, audited); 0 disables it.
PERIOD_REOPEN_DAYS = env_int("PERIOD_REOPEN_DAYS", 14, minimum=0)
# How often the scheduled job opens and closes periods by their dates (surveys.tasks.advance_periods).
PERIOD_SCHEDULE_SECONDS = env_int("PERIOD_SCHEDULE_SECONDS", 5 * 60, minimum=10)
