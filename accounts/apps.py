from django.apps import AppConfig
from django.conf import settings


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Credentials and API tokens"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
        from .crypto import validate_keys

        validate_keys(settings.CREDENTIAL_KEYS)  # every process refuses to start with a key that is not one
