"""Celery entry point for the daily beat: the service reads the date itself."""

from celery import shared_task

from . import services


@shared_task(name="interests.tasks.declaration_reminders_send", ignore_result=True)
def declaration_reminders_send() -> int:
    """Daily: remind whoever has not declared their interests in 12 months (once a year)."""
    return len(services.declaration_reminders_send())
