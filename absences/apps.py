from django.apps import AppConfig


class AbsencesConfig(AppConfig):
    name = "absences"
    verbose_name = "Absences and leave"

    def ready(self):
        # Absences lie over the days they affect in every diary and calendar feed
        # (rotations.diary's and rotations.feeds' provider hooks).
        from rotations import diary, feeds

        from .exporters import feed_events
        from .selectors import diary_entries, feed_absences

        diary.register("absences", diary_entries)
        feeds.register("absences", feed_events, changes=feed_absences)

        # Leave waiting for a decision is on the PDs' and PA's to-do panels.
        from clic import todo

        from .todo import leave_to_decide

        todo.register("absences", leave_to_decide)

        # A placement's absences are in the trainee's subject access export; their notes go
        # after the retention period.
        from clic.accounts import exporters, retention

        from .data_rights import absences_anonymise, absences_of

        exporters.placement_parts.register("absences", absences_of, order=30)
        retention.placement_steps.register("absences", absences_anonymise)

        # The demo's absences and leave, routed by the published timetables.
        from clic.accounts import demo as accounts_demo

        from . import demo

        accounts_demo.steps.register(
            "absences", accounts_demo.Step(load=demo.load), order=30)

        # A trainee's page shows its absences.
        from trainees import selectors as trainee_selectors

        from .selectors import trainee_page_sections

        trainee_selectors.overview_sections.register("absences", trainee_page_sections, order=20)
