from django.apps import AppConfig


class ClicConfig(AppConfig):
    name = "clic"

    def ready(self):
        from .queries import use_array_in_lookups

        use_array_in_lookups()
