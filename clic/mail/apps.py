from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "clic.mail"
    label = "mail"
    verbose_name = "SOP emails"
