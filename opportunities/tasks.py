"""Celery entry point for the weekly beat: the service reads the date itself."""

from celery import shared_task

from . import services


@shared_task(name="opportunities.tasks.digests_send", ignore_result=True)
def digests_send() -> int:
    """Weekly (Monday morning): last week's new roles to each subscriber; idempotent."""
    return services.digests_send()
