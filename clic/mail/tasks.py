"""Celery entry points: they take ids and call the outbox services."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError

from . import services

logger = logging.getLogger(__name__)

# While the database is down a send task waits and tries again (5, 10, 20, 40, 60, 60 ... s)
# rather than failing; after the last try its rows are still queued and the sweeper
# publishes them again.
DATABASE_RETRIES = 12


def _database_retry_delay(retries: int) -> int:
    return min(5 * 2 ** retries, 60)


def _send(task, send, email_ids):
    try:
        return send()
    except DatabaseError as exc:
        logger.warning("Database unavailable: emails %s will be tried again", email_ids)
        raise task.retry(exc=exc, countdown=_database_retry_delay(task.request.retries),
                         max_retries=DATABASE_RETRIES) from None
    except SoftTimeLimitExceeded:
        # Struck outside a send (a send's own counts as a temporary failure), e.g. while the
        # database would not take an outcome: a 250 is in the journal, the rows not yet
        # claimed are still queued, and the sweeper publishes them again.
        logger.warning("Send task for emails %s stopped at its time limit", email_ids)
        return None


@shared_task(bind=True, name="clic.mail.tasks.outbox_send", ignore_result=True)
def outbox_send(self, email_id: int) -> str | None:
    return _send(self, lambda: services.outbox_email_send(email_id=email_id), [email_id])


@shared_task(bind=True, name="clic.mail.tasks.outbox_send_batch", ignore_result=True)
def outbox_send_batch(self, email_ids: list[int]) -> dict[int, str | None]:
    return _send(self, lambda: services.outbox_emails_send(email_ids=email_ids), email_ids)


@shared_task(name="clic.mail.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> dict[str, int] | None:
    try:
        return services.outbox_sweep()
    except DatabaseError as exc:
        # The next sweep, a few seconds away, tries again.
        logger.warning("Database unavailable: outbox sweep skipped (%s)", exc)
        return None


@shared_task(name="clic.mail.tasks.outbox_alert_raise", ignore_result=True)
def outbox_alert_raise() -> None:
    services.outbox_alert_raise()
