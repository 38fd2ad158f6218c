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
