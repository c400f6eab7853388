"""Store a credential from the command line. Secrets come from the environment or stdin, never argv,
so they do not end up in shell history or the process list."""

import os
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.limits import check_room_for_credential
from accounts.models import Credential
from modelarts.regions import REGIONS


class Command(BaseCommand):
    help = "Store (or update) a ModelArts credential for a user."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="User name that will own the credential.")
        parser.add_argument("--name", required=True, help="Display name.")
        parser.add_argument("--region", required=True, help="Region, e.g. cn-north-4.")
        parser.add_argument("--project-id", required=True, help="32 hex characters.")
        kind = parser.add_mutually_exclusive_group(required=True)
        kind.add_argument("--access-key", help="AK; the SK is read from MODELARTS_SECRET_KEY or stdin.")
        kind.add_argument("--iam-domain", help="IAM domain (account) name; needs --iam-user.")
        parser.add_argument("--iam-user", help="IAM user name; the password is read from MODELARTS_PASSWORD or stdin.")

    def handle(self, *args, **options):
        user = self._user(options["user"])
        if options["region"] not in REGIONS:
            raise CommandError(f"Unknown region {options['region']!r}. Known regions: {', '.join(REGIONS)}.")
        credential = Credential.objects.for_project(user, options["project_id"].lower())
        created = credential is None
        if created:
            self._check_room(user)
        credential = credential or Credential(owner=user)
        credential.name = options["name"]
        credential.region = options["region"]
        credential.project_id = options["project_id"].lower()
        if options["access_key"]:
            self._use_access_key(credential, options["access_key"])
        else:
            self._use_password(credential, options["iam_domain"], options["iam_user"])
        try:
            credential.full_clean(exclude=["owner"])
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from exc
        credential.save()
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} credential #{credential.pk} '{credential.name}' for {user.get_username()}.")

    def _user(self, username: str):
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc

    def _check_room(self, user) -> None:
        try:
            check_room_for_credential(user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _use_access_key(self, credential: Credential, access_key: str) -> None:
        credential.auth_kind = Credential.AuthKind.AKSK
        credential.access_key = access_key
        credential.iam_domain = credential.iam_user = ""
        credential.set_secret(self._secret("MODELARTS_SECRET_KEY", "secret key"))

    def _use_password(self, credential: Credential, domain: str, user: str | None) -> None:
        if not user:
            raise CommandError("--iam-domain needs --iam-user.")
        credential.auth_kind = Credential.AuthKind.PASSWORD
        credential.iam_domain = domain
        credential.iam_user = user
        credential.access_key = ""
        credential.set_secret(self._secret("MODELARTS_PASSWORD", "password"))

    def _secret(self, variable: str, what: str) -> str:
        secret = os.environ.get(variable)
        if secret is None:
            if sys.stdin.isatty():
                self.stderr.write(f"Reading the {what} from stdin (or set {variable}):")
            secret = sys.stdin.readline().rstrip("\r\n")
        if not secret:
            raise CommandError(f"No {what} given: set {variable} or pipe it on stdin.")
        return secret


def _describe(error: ValidationError) -> str:
    return " ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
