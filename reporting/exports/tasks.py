"""Celery entry points for exports: build one job's file; delete expired files (beat)."""
from celery import shared_task

from . import build


@shared_task(name="reporting.exports.build_export", acks_late=True)
def build_export(job_id: int) -> None:
    build.run_export(job_id=job_id)


@shared_task(name="reporting.exports.delete_expired_exports")
def delete_expired_exports() -> int:
    return build.delete_expired_exports()
