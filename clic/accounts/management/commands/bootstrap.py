from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clic.accounts.services import programme_bootstrap


class Command(BaseCommand):
    help = ("First run: create the training programme and invite its first Programme Director "
            "by email (the worker sends the invitation). Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="the programme's name")
        parser.add_argument("--pd-email", required=True, help="the first PD's email address")
        parser.add_argument("--pd-name", required=True, help="the first PD's full name")

    def handle(self, *args, programme, pd_email, pd_name, **options):
        try:
            director = programme_bootstrap(programme_name=programme, pd_email=pd_email,
                                           pd_full_name=pd_name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(
            f"{director.email} is a Programme Director of {programme.strip()}. Someone new to "
            "the service is emailed an invitation to set a password."))
