from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self):
        # Scheduled SOP meetings appear in the diary and calendar feed of the people who see them.
        from rotations import diary, feeds

        from .exporters import feed_events
        from .selectors import meeting_diary_entries, meetings_visible_to

        diary.register("meetings", meeting_diary_entries)
        feeds.register("meetings", feed_events, changes=meetings_visible_to)
