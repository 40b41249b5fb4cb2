"""The embedded mode's scheduler: runs every entry of CELERY_BEAT_SCHEDULE in this process, without a broker.

Beat runs the same schedule in production (docker-compose); `manage.py run_scheduler` (started by `make run`
beside the web server) runs it here, so a demo opens and closes periods, freezes, scans for bursts and deletes
expired exports as production does. Each job runs once at start, then every `schedule` seconds; a job that
fails is logged and tried again at its next time. Interval schedules only (numbers or timedeltas).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

logger = logging.getLogger(__name__)


@dataclass
class Job:
    name: str  # the schedule's key, e.g. "surveys-advance-periods"
    task: str  # the Celery task name
    every: float  # seconds
    next_at: float = 0.0  # on the scheduler's clock; 0 runs it at the first tick


def jobs_from_schedule(schedule: dict) -> list[Job]:
    """One Job per beat entry; refuses schedules this scheduler cannot honour (crontab and the like)."""
    jobs = []
    for name, entry in schedule.items():
        every = entry["schedule"]
        if isinstance(every, timedelta):
            every = every.total_seconds()
        if not isinstance(every, int | float) or every <= 0:
            raise ValueError(f"{name}: run_scheduler runs interval schedules only (seconds), not {every!r}")
        jobs.append(Job(name=name, task=entry["task"], every=float(every)))
    return jobs


class Scheduler:
    """Runs due jobs through `run(task_name)`; the clock and the sleep are injected for tests."""

    def __init__(self, jobs: list[Job], run: Callable[[str], object], *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.jobs, self._run, self._clock, self._sleep = jobs, run, clock, sleep

    def tick(self) -> list[str]:
        """Runs every job that is due now; returns their names."""
        ran = []
        for job in self.jobs:
            now = self._clock()
            if job.next_at > now:
                continue
            try:
                self._run(job.task)
            except Exception:
                logger.exception("Scheduled job %s (%s) failed; next try in %.0f s", job.name, job.task, job.every)
            job.next_at = self._clock() + job.every
            ran.append(job.name)
        return ran

    def run_forever(self, *, ticks: int | None = None) -> None:
        """Ticks, then sleeps until the next job is due; `ticks` bounds the loop (tests)."""
        done = 0
        while ticks is None or done < ticks:
            self.tick()
            done += 1
            self._sleep(max(0.0, min(job.next_at for job in self.jobs) - self._clock()))
