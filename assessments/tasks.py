"""Celery entry points for the weekly and daily beats: each calls its service, which reads
the date from django.utils.timezone."""

from celery import shared_task

from . import services


@shared_task(name="assessments.tasks.reflective_entry_reminders_send", ignore_result=True)
def reflective_entry_reminders_send() -> int:
    """Weekly: remind trainees below two reflective entries this week (once per week each)."""
    return services.reflective_reminders_send()


@shared_task(name="assessments.tasks.evaluation_invitations_send", ignore_result=True)
def evaluation_invitations_send() -> int:
    """Daily: open the evaluation (S17) of every cohort in its second-last week; idempotent."""
    return len(services.evaluation_invitations_send())
