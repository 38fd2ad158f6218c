from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def survey_summary_build_task(summary_id: int) -> None:
    """Build a temperature check's PDF summary."""
    from .services import survey_summary_build

    survey_summary_build(summary_id=summary_id)


@shared_task
def survey_reminders_send() -> int:
    """The daily beat: remind people who have not answered an open survey, once a week."""
    from . import services

    return services.survey_reminders_send()
