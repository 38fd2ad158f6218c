from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        # Trainees below the reflective-entry expectation are on their PDs' to-do panels.
        from clic import todo

        from .todo import reflective_entries_below

        todo.register("assessments", reflective_entries_below)
