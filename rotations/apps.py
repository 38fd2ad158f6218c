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

        from . import demo, demo_derbyshire

        accounts_demo.steps.register(
            "rotations", accounts_demo.Step(load=demo.load, clear=demo.clear), order=20)
        # The second programme comes last, so east Kent's demo is as it was before it.
        accounts_demo.steps.register(
            "second programme", accounts_demo.Step(load=demo_derbyshire.load,
                                                   clear=demo_derbyshire.clear), order=90)
