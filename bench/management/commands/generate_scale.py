import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from bench.scale.world import AlreadyGenerated, Options, generate


class Command(BaseCommand):
    help = ("Add a national-scale history to the database for benchmarking: every ICB running "
            "the rotation for years, written in bulk. Sends no email and queues no task.")

    def add_arguments(self, parser):
        defaults = Options()
        parser.add_argument("--icbs", type=int, default=defaults.icbs,
                            help="commissioning organisations (ICBs, shown as CCGs)")
        parser.add_argument("--years", type=int, default=defaults.years,
                            help="years of history, up to today")
        parser.add_argument("--cohorts-per-year", type=int, default=defaults.cohorts_per_year)
        parser.add_argument("--trainees", type=int, default=defaults.trainees,
                            help="trainees per cohort")
        parser.add_argument("--icbs-per-programme", type=int,
                            default=defaults.icbs_per_programme,
                            help="ICBs sharing one training programme (its PDs and PA)")
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="the day the history runs up to (default: today)")

    def handle(self, *args, **options):
        settings = Options(icbs=options["icbs"], years=options["years"],
                           cohorts_per_year=options["cohorts_per_year"],
                           trainees=options["trainees"],
                           icbs_per_programme=options["icbs_per_programme"],
                           seed=options["seed"], today=options["today"])
        if min(settings.icbs, settings.years, settings.cohorts_per_year, settings.trainees,
               settings.icbs_per_programme) < 1:
            raise CommandError("Every count must be at least 1.")
        self.stdout.write(f"Generating {settings.icbs} ICBs x {settings.years} years x "
                          f"{settings.cohorts_per_year} cohorts a year x {settings.trainees} "
                          f"trainees (seed {settings.seed})")
        started = time.monotonic()
        try:
            counts = generate(settings, log=self.stdout.write)
        except AlreadyGenerated as error:
            raise CommandError(str(error)) from None
        for name, count in counts.items():
            self.stdout.write(f"  {name:<28} {count:>9,}")
        self.stdout.write(self.style.SUCCESS(
            f"Generated in {time.monotonic() - started:.0f} s; nothing was sent."))
