from django.apps import AppConfig


class InterestsConfig(AppConfig):
    name = "interests"
    verbose_name = "Register of interests"

    def ready(self):
        # The presentation day and assessment pages flag panel members' and assessors'
        # interests in a trainee's CCG, and refuse an assessment by whoever stepped aside.
        from assessments import selectors as assessment_selectors

        from .selectors import assessment_refusal, day_conflicts

        assessment_selectors.conflict_flags.register("interests", day_conflicts)
        assessment_selectors.assessment_refusals.register("interests", assessment_refusal)

        # A person's register is in their subject access export.
        from clic.accounts import exporters

        from .data_rights import register_of

        exporters.person_files.register("interests", register_of)

        # The demo's declarations, after the presentation day they flag on.
        from clic.accounts import demo as accounts_demo

        from . import demo

        accounts_demo.steps.register("interests", accounts_demo.Step(load=demo.load), order=55)
