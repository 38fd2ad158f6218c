"""Celery entry points: they take ids and call the outbox services."""

from celery import shared_task

from . import services


@shared_task(name="clic.mail.tasks.outbox_send", ignore_result=True)
def outbox_send(email_id: int) -> str | None:
    return services.outbox_email_send(email_id=email_id)


@shared_task(name="clic.mail.tasks.outbox_send_batch", ignore_result=True)
def outbox_send_batch(email_ids: list[int]) -> dict[int, str | None]:
    return services.outbox_emails_send(email_ids=email_ids)


@shared_task(name="clic.mail.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> dict[str, int]:
    return services.outbox_sweep()
