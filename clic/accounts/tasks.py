"""Celery entry points of the accounts app."""

from celery import shared_task
from django.db import transaction

from .retention import anonymise_old_placements


@shared_task(name="clic.accounts.tasks.retention_run", ignore_result=True)
def retention_run() -> int:
    """Daily: anonymise placements past the retention period (idempotent); how many changed."""
    with transaction.atomic():
        run = anonymise_old_placements()
    return sum(1 for _, rows in run.placements if rows)
