"""The read-only open-data API (/api/v1/, reporting.api): request limits per token and per address."""
from .env import env_str

# COUNT/SECONDS, counted with the `limits` library in FORM_RATE_LIMIT_STORAGE_URL (the same counters store).
API_RATE_LIMIT_TOKEN = env_str("API_RATE_LIMIT_TOKEN", "600/60")
API_RATE_LIMIT_ADDRESS = env_str("API_RATE_LIMIT_ADDRESS", "120/60")
