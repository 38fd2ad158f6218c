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

        # Concerns, overdue meetings and projects waiting are on staff to-do panels.
        from clic import todo

        from .todo import open_concerns, trainees_waiting

        todo.register("projects-concerns", open_concerns)
        todo.register("projects-trainees", trainees_waiting)

        # A placement's project work is in the trainee's subject access export; its free
        # text goes after the retention period.
        from clic.accounts import exporters, retention

        from .data_rights import project_of_placement, projects_anonymise

        exporters.placement_parts.register("projects", project_of_placement, order=40)
        retention.placement_steps.register("projects", projects_anonymise)

        # The demo's projects, meetings and concerns.
        from clic.accounts import demo as accounts_demo

        from . import demo

        accounts_demo.steps.register(
            "projects", accounts_demo.Step(load=demo.load), order=50)

        # Trainees' and supervisors' home panels list their placements with what is
        # outstanding on each project, before the placements' part fills the other roles.
        from clic.accounts import pages

        from .home import home_part

        pages.home_parts.register("projects", home_part, order=10)

        # A trainee's page shows its project and concerns.
        from trainees import selectors as trainee_selectors

        from .selectors import trainee_page_sections

        trainee_selectors.overview_sections.register("projects", trainee_page_sections, order=10)
