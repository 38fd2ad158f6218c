from django.apps import AppConfig


class ClicConfig(AppConfig):
    name = "clic"
