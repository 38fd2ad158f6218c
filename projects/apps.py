from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self):
        # Scheduled SOP meetings appear in the diary and calendar feed of the people who see them.
        from rotations import diary, feeds

        from .exporters import meeting_event
        from .selectors import meeting_diary_entries, meetings_visible_to

        diary.register("meetings", meeting_diary_entries)
        feeds.register("meetings", lambda user, start, end: [
            meeting_event(meeting, viewer=user)
            for meeting in meetings_visible_to(user, start, end)],
            changes=meetings_visible_to)
