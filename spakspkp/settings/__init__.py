"""Settings, read from the environment; split by concern. Every variable is listed in README.md.

Embedded defaults let `make run` work on a bare machine (SQLite, tasks in-process); a malformed value stops
the start with ImproperlyConfigured naming the variable, never a silent fallback.
"""
from .base import *  # noqa: F403
from .form import *  # noqa: F403
from .jobs import *  # noqa: F403
from .reporting import *  # noqa: F403
from .resilience import *  # noqa: F403
from .security import *  # noqa: F403
from .security import SILENCED_SECURITY_CHECKS

SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, *SILENCED_SECURITY_CHECKS]  # noqa: F405
