from django.apps import AppConfig


class TraineesConfig(AppConfig):
    name = "trainees"
    verbose_name = "Placements"

    def ready(self):
        # Each trainee's placements are the folders of their subject access export, and
        # the placements past the retention period are the ones anonymised.
        from clic.accounts import exporters, retention

        from .data_rights import placement_of, placements_ended_before, placements_of

        exporters.placements.register("trainees", placements_of)
        exporters.placement_parts.register("placement", placement_of, order=10)
        retention.due_placements.register("trainees", placements_ended_before)

        # The demo's cohorts and placements come first: every later step needs them.
        from clic.accounts import demo as accounts_demo

        from . import demo, demo_derbyshire

        accounts_demo.steps.register(
            "trainees", accounts_demo.Step(load=demo.load, clear=demo.clear), order=10)
        # The second programme comes last, so east Kent's demo is as it was before it.
        accounts_demo.steps.register(
            "second programme", accounts_demo.Step(load=demo_derbyshire.load,
                                                   clear=demo_derbyshire.clear), order=90)

        # Every other role's home panel lists the trainees of current cohorts, and a
        # manager's page about a trainee lists their rotations.
        from clic.accounts import pages

        from .home import home_part, person_part

        pages.home_parts.register("trainees", home_part, order=20)
        pages.person_parts.register("trainees", person_part)

        # A trainee's SOP timeline is open to whoever sees the placement, and the catalogue's
        # example emails are about an invented placement.
        from clic.mail import examples
        from clic.mail import selectors as mail_selectors

        from .examples import example_placement
        from .selectors import placements_visible_to

        mail_selectors.visible_placements.register("trainees", placements_visible_to)
        examples.example_placement.register("trainees", example_placement)
