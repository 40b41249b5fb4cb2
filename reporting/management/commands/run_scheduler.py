"""Runs the periodic jobs of CELERY_BEAT_SCHEDULE in this process, without a broker (the embedded mode)."""
import logging

from celery import current_app as app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.scheduler import Scheduler, jobs_from_schedule

logger = logging.getLogger("reporting.scheduler")


def run_task(name: str):
    """Runs a registered Celery task here and now (Task.apply: no broker, no worker) and returns its result."""
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
