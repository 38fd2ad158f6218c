from django.core.management.base import BaseCommand
from django.db import transaction

from clic.accounts.retention import anonymise_old_placements


class Command(BaseCommand):
    help = ("Anonymise placements whose rotation ended more than CLIC_RETENTION_YEARS ago, "
            "keeping the counts reports need. Safe to run again: it changes only what is left.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Say what would change, and change nothing.")

    def handle(self, *args, dry_run=False, **options):
        verb = "would be anonymised" if dry_run else "anonymised"
        with transaction.atomic():
            run = anonymise_old_placements()
            for placement, rows in run.placements:
                self.stdout.write(f"Placement #{placement.pk} ({placement.cohort}, ended "
                                  f"{placement.cohort.end_date:%d %B %Y}): "
                                  + (f"{rows} records {verb}" if rows else "already done"))
            for person in run.people:
                self.stdout.write(f"Former trainee #{person.pk}: name, email, phone and "
                                  f"password {'would be ' if dry_run else ''}removed")
            for person in run.kept:
                self.stdout.write(f"Former trainee #{person.pk}: name and email kept, as they "
                                  "chose to stay on as an alumnus")
            changed = sum(1 for _, rows in run.placements if rows)
            self.stdout.write(
                f"{changed} of {len(run.placements)} placements that ended before "
                f"{run.cutoff:%d %B %Y} {verb}, and {len(run.people)} former trainees."
                + (" Dry run: nothing was saved." if dry_run else ""))
            if dry_run:
                transaction.set_rollback(True)
