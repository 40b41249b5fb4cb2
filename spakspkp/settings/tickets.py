"""Survey tickets: how long a printed ticket stays valid."""
from .env import env_int

TICKET_VALID_DAYS = env_int("TICKET_VALID_DAYS", 7, minimum=1)
