"""The Redis databases the tests use, from one setting: TEST_REDIS_URL (default redis://127.0.0.1:6379).

Each feature that needs a real broker or store has its own database on that server, so two features' tests
never empty each other's queues; a second checkout can run its suite at the same time on another server.
"""
import os

BASE = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
DATABASES = {"reporting": 3, "exports": 4, "ratelimit": 6, "health": 15}
# Nothing listens on these: a broker or store that is down.
UNREACHABLE = "redis://127.0.0.1:2"  # a privileged port no Redis listens on (6399 is a developer's)
REFUSED = "redis://127.0.0.1:1/0"


def url(feature: str) -> str:
    """redis://host:port/<the feature's database>."""
    return f"{BASE}/{DATABASES[feature]}"
