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

        # Last in the demo: a refused email, among everything the other steps sent; and
        # Derbyshire's own routing table.
        from clic.accounts import demo as accounts_demo

        from . import demo

        accounts_demo.steps.register(
            "mail", accounts_demo.Step(load=demo.load, clear=demo.routing_clear), order=60)
