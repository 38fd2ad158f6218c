from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Temperature check"

    def ready(self):
        # The home page invites people to answer, and gives its managers the way in.
        from clic.accounts import pages

        from .home import home_part

        pages.home_parts.register("surveys", home_part, order=60)

        # The demo's temperature checks: last year's closed with results, this year's open.
        from clic.accounts import demo as accounts_demo

        from . import demo

        accounts_demo.steps.register("surveys", accounts_demo.Step(load=demo.load), order=60)
