from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = "Leadership opportunities"

    def ready(self):
        # The audience's open roles are on their home page.
        from clic.accounts import pages

        from .home import home_part

        pages.home_parts.register("opportunities", home_part, order=40)

        # The roles a person is interested in are in their subject access export.
        from clic.accounts import exporters

        from .data_rights import opportunities_of

        exporters.person_files.register("opportunities", opportunities_of)

        # The demo's roles, after the second programme they are partly published to.
        from clic.accounts import demo as accounts_demo

        from . import demo

        accounts_demo.steps.register(
            "opportunities", accounts_demo.Step(load=demo.load, clear=demo.clear), order=97)
