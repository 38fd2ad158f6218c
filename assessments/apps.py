from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        # Trainees below the reflective-entry expectation are on their PDs' to-do panels.
        from clic import todo

        from .todo import reflective_entries_below

        todo.register("assessments", reflective_entries_below)

        # A placement's end of rotation (and its PDF) is in the trainee's subject access
        # export; its free text goes after the retention period, and a former trainee's
        # name from other people's invitations.
        from clic.accounts import exporters, retention

        from .data_rights import (
            assessments_anonymise,
            end_of_rotation_files,
            end_of_rotation_of,
            invitations_renamed,
        )

        exporters.placement_parts.register("assessments", end_of_rotation_of, order=50)
        exporters.placement_files.register("end-of-rotation", end_of_rotation_files, order=10)
        retention.placement_steps.register("assessments", assessments_anonymise)
        retention.person_steps.register("assessments", invitations_renamed)

        # The demo's presentation day, assessments and reflective entries.
        from clic.accounts import demo as accounts_demo

        from . import demo

        accounts_demo.steps.register(
            "assessments", accounts_demo.Step(load=demo.load), order=40)

        # A trainee's page shows its presentation slot, reflective entries and assessments.
        from trainees import selectors as trainee_selectors

        from .selectors import trainee_page_sections

        trainee_selectors.overview_sections.register("assessments", trainee_page_sections, order=30)
