from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self):
        # Scheduled SOP meetings appear in the diary of the people who see them.
        from rotations import diary

        from .selectors import meeting_diary_entries

        diary.register("meetings", meeting_diary_entries)
