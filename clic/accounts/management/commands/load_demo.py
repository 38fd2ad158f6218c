from django.core.management.base import BaseCommand
from django.db import transaction

from absences import demo as absences_demo
from assessments import demo as assessments_demo
from clic.accounts import demo as accounts_demo
from clic.mail import demo as mail_demo
from projects import demo as projects_demo
from rotations import demo as rotations_demo
from trainees import demo as trainees_demo

# Each app builds its part of the demo, in this order, through its own services.
DEMO_STEPS = [
    trainees_demo.load,
    rotations_demo.load,
    absences_demo.load,
    assessments_demo.load,
    projects_demo.load,
    mail_demo.load,
]


class Command(BaseCommand):
    help = "Build the demo world (idempotent): a cohort in week 6 of 16, every role, live emails."

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts_demo.clear()
            data = accounts_demo.load()
            for step in DEMO_STEPS:
                step(data)
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded: log in as pd@clic.test (or any demo login) with password "
            f"{accounts_demo.DEMO_PASSWORD}"))
