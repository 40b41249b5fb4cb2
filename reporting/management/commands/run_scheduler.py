"""Runs the periodic jobs of CELERY_BEAT_SCHEDULE in this process, without a broker (the embedded mode)."""
import logging

from celery import current_app as app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from reporting.scheduler import Scheduler, jobs_from_schedule

logger = logging.getLogger("reporting.scheduler")


def _drop_stale_connections() -> None:
    """A long-lived process: drop a connection the database has since closed or that outlived CONN_MAX_AGE
    (as Django does between requests), never one inside a transaction."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def run_task(name: str):
    """Runs a registered Celery task here and now (Task.apply: no broker, no worker) and returns its result."""
    _drop_stale_connections()
    result = app.tasks[name].apply(throw=True)
    logger.info("Scheduled job %s done: %r", name, result.result)
    return result.result


class Command(BaseCommand):
    help = ("Runs every periodic job of CELERY_BEAT_SCHEDULE in this process, without a broker (make run starts "
            "it beside the web server). --once runs each job once and exits.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once, then exit")

    def handle(self, *args, once, **options):
        app.loader.import_default_modules()
        try:
            jobs = jobs_from_schedule(settings.CELERY_BEAT_SCHEDULE)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        unknown = [job.task for job in jobs if job.task not in app.tasks]
        if unknown:
            raise CommandError(f"CELERY_BEAT_SCHEDULE names unknown tasks: {', '.join(unknown)}")
        scheduler = Scheduler(jobs, run_task)
        for job in jobs:
            self.stdout.write(f"{job.name}: {job.task} every {job.every:.0f} s")
        if once:
            scheduler.tick()
            return
        try:
            scheduler.run_forever()
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")
