"""Celery entry points for the weekly and daily beats. They take plain values (an ISO date
for the clock, so a test or an operator can run a given day) and call the services."""

import datetime

from celery import shared_task

from . import services


def _day(today: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(today) if today else None


@shared_task(name="assessments.tasks.reflective_entry_reminders_send", ignore_result=True)
def reflective_entry_reminders_send(today: str | None = None) -> int:
    """Weekly: remind trainees below two reflective entries this week (once per week each)."""
    return services.reflective_reminders_send(today=_day(today))


@shared_task(name="assessments.tasks.evaluation_invitations_send", ignore_result=True)
def evaluation_invitations_send(today: str | None = None) -> int:
    """Daily: open the evaluation (S17) of every cohort in week 15; idempotent."""
    return len(services.evaluation_invitations_send(today=_day(today)))
