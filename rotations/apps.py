from django.apps import AppConfig


class RotationsConfig(AppConfig):
    name = "rotations"
    verbose_name = "Rotations"

    def ready(self):
        # A placement's timetable and portfolio PDF are in the trainee's subject access
        # export; its changes' wording goes after the retention period.
        from clic.accounts import exporters, retention

        from .data_rights import cohort_changes_anonymise, portfolio_files, timetable_of

        exporters.placement_parts.register("timetable", timetable_of, order=20)
        exporters.placement_files.register("portfolio", portfolio_files, order=20)
        retention.placement_steps.register("rotations", cohort_changes_anonymise)

        # The demo publishes the timetables and changes a session before absences are reported.
        from clic.accounts import demo as accounts_demo

        from . import demo

        accounts_demo.steps.register(
            "rotations", accounts_demo.Step(load=demo.load, clear=demo.clear), order=20)

        # The outbox shows PDs and PAs their cohorts' emails, a CCG is shared by the programmes
        # with cohorts there, and the catalogue's example emails are about an invented cohort:
        # the core reads all three through these parts.
        from clic.accounts import selectors as accounts_selectors
        from clic.mail import examples
        from clic.mail import selectors as mail_selectors

        from .examples import example_cohort
        from .models import Cohort
        from .selectors import cohort_ids_visible_to

        accounts_selectors.ccg_ties.register("rotations", Cohort.objects.all)
        mail_selectors.managed_cohort_ids.register("rotations", cohort_ids_visible_to)
        examples.example_cohort.register("rotations", example_cohort)

