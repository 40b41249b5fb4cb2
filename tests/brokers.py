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


class HungBroker:
    """A local socket that accepts connections and never answers (a hung Redis, a half-open path): the
    kernel completes the TCP handshake from the listen backlog, and nothing ever reads or replies."""

    def __enter__(self):
        import socket

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.url = f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"
        return self

    def __exit__(self, *exc):
        self.sock.close()
