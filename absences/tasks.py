from celery import shared_task

from . import services


@shared_task
def sickness_open_follow_up() -> int:
    """Daily (Celery beat): open-ended sickness reaching a CCG day (or any other day) tells
    that row's people once."""
    return services.sickness_open_follow_up()
