from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clic.accounts"
    label = "accounts"
    verbose_name = "People and organisations"
