"""Celery entry points for projects: the daily SOP meeting reminders."""

from celery import shared_task

from . import services


@shared_task(name="projects.tasks.meeting_reminders_send", ignore_result=True)
def meeting_reminders_send() -> int:
    """Remind, then escalate, SOP meetings that are due and not recorded (idempotent: run it
    as often as you like; each meeting gets each stage once)."""
    return len(services.meeting_reminders_send())
