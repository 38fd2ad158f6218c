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
