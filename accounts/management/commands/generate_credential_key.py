"""Print a new Fernet key for CREDENTIAL_KEYS, and nothing else, so it can be captured by a script."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print a new key for CREDENTIAL_KEYS. To rotate, put it first in CREDENTIAL_KEYS, restart, "
        "then run rotate_credential_keys."
    )

    def handle(self, *args, **options):
        self.stdout.write(Fernet.generate_key().decode("ascii"))
