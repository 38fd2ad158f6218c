from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clic.accounts"
    label = "accounts"
    verbose_name = "People and organisations"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_refreshed_at_sign_in

        user_logged_in.connect(session_refreshed_at_sign_in)
