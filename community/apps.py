from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Alumni and mentoring"

    def ready(self):
        # An alumnus's data is in their subject access export; their choice to stay on keeps
        # their name and email past the retention period while it holds, and their mentoring
        # notes go with the rest of a placement's free text.
        from clic.accounts import exporters, retention

        from .data_rights import (
            alumni_files,
            alumni_removed,
            is_kept_alumnus,
            mentoring_notes_anonymise,
        )

        exporters.person_files.register("community", alumni_files)
        retention.kept_people.register("community", is_kept_alumnus)
        retention.placement_steps.register("community", mentoring_notes_anonymise)
        retention.person_steps.register("community", alumni_removed)

        # The home page's alumni panel, and the way to stay on once a rotation ends.
        from clic.accounts import pages

        from .home import community_home

        pages.home_parts.register("community", community_home, order=15)

        # Last year's cohort as alumni, two of them mentoring this cohort.
        from clic.accounts import demo as accounts_demo

        from . import demo

        accounts_demo.steps.register(
            "community", accounts_demo.Step(load=demo.load, clear=demo.clear), order=60)
