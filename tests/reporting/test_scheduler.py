"""The embedded scheduler runs every periodic job of the beat schedule, without a broker, at its interval."""
import logging
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from reporting.scheduler import Job, Scheduler, jobs_from_schedule
from surveys.models import Period

from .conftest import WORKED_SPAK, WORKED_SPKP, make_response


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_each_job_runs_at_start_then_at_its_interval():
    clock, ran = FakeClock(), []
    scheduler = Scheduler([Job("a", "task.a", 60.0), Job("b", "task.b", 300.0)], ran.append, clock=clock,
                          sleep=clock.sleep)
    scheduler.run_forever(ticks=7)  # t = 0, 60, 120, 180, 240, 300, 360
    assert ran == ["task.a", "task.b", "task.a", "task.a", "task.a", "task.a", "task.a", "task.b", "task.a"]
    assert clock.now == 1000.0 + 420


def test_a_failing_job_is_logged_and_does_not_stop_the_others(caplog):
    def run(task):
        if task == "task.bad":
            raise RuntimeError("boom")

    scheduler = Scheduler([Job("bad", "task.bad", 60.0), Job("good", "task.good", 60.0)], run, clock=FakeClock())
    with caplog.at_level(logging.ERROR):
        assert scheduler.tick() == ["bad", "good"]
    assert "Scheduled job bad (task.bad) failed" in caplog.text


def test_the_schedule_holds_every_job_production_runs_through_beat():
    jobs = {job.name: (job.task, job.every) for job in jobs_from_schedule(settings.CELERY_BEAT_SCHEDULE)}
    assert {"surveys-advance-periods", "detect-bursts", "delete-expired-exports", "reporting-recompute-open-periods",
            "reporting-freeze-closed-periods", "responses-apply-retention"} <= set(jobs)
    assert jobs["surveys-advance-periods"] == ("surveys.advance_periods", 300.0)
    assert jobs_from_schedule({"x": {"task": "t", "schedule": timedelta(minutes=2)}})[0].every == 120.0
    with pytest.raises(ValueError, match="interval schedules only"):
        jobs_from_schedule({"x": {"task": "t", "schedule": "0 * * * *"}})


@pytest.mark.django_db
def test_run_scheduler_once_closes_a_past_period_and_publishes_it(org, client, caplog,
                                                                  django_capture_on_commit_callbacks):
    period = Period.objects.create(name="Triwulan III 2026", starts_on=date(2026, 7, 1), ends_on=date(2026, 9, 30),
                                   status=Period.Status.OPEN)
    from tests.factories import default_versions

    period.instrument_versions.set(default_versions())
    for spkp, spak in [*zip(WORKED_SPKP, WORKED_SPAK, strict=True)] * 2:
        make_response(period=period, unit=org.semarang, scores={"SPKP": spkp, "SPAK": spak})
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once")
    assert "failed" not in caplog.text  # every job of the schedule ran
    period.refresh_from_db()
    assert period.status == Period.Status.CLOSED
    assert 'data-figure="nrr">3,50<' in client.get("/hasil/upt/lapas-semarang/").content.decode()


def test_run_scheduler_refuses_an_unknown_task(settings):
    settings.CELERY_BEAT_SCHEDULE = {"typo": {"task": "reporting.no_such_task", "schedule": 60.0}}
    with pytest.raises(CommandError, match="unknown tasks: reporting.no_such_task"):
        call_command("run_scheduler", "--once")
