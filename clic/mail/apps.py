from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "clic.mail"
    label = "mail"
    verbose_name = "SOP emails"

    def ready(self):
        # Failed emails are on the to-do panel of those who may send them again.
        from clic import todo

        from .todo import failed_emails

        todo.register("mail", failed_emails)

        # Late in the demo: a refused email, among everything the other steps sent; and,
        # once the second programme is made, its own routing table.
        from clic.accounts import demo as accounts_demo

        from . import demo

        accounts_demo.steps.register("mail", accounts_demo.Step(load=demo.refusal_load),
                                     order=60)
        accounts_demo.steps.register(
            "second programme's table", accounts_demo.Step(load=demo.routing_load), order=95)
