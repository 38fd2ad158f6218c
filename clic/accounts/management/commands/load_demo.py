from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from clic.accounts import demo


class Command(BaseCommand):
    help = "Build the demo world (idempotent): a cohort in week 6 of 16, every role, live emails."

    def handle(self, *args, **options):
        with transaction.atomic():
            demo.build(timezone.localdate())
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded: log in as pd@clic.test (or any demo login) with password "
            f"{demo.DEMO_PASSWORD}"))
