"""Re-encrypt every stored secret with the newest key in CREDENTIAL_KEYS, so older keys can be dropped.

Each row is handled in its own transaction, locked and read again inside it, so the command can be
interrupted and run again, and a credential edited meanwhile keeps its new secret. Rows already on the
newest key are not written. Rows no key can decrypt are named (never their secret or ciphertext) and
make the command fail, after every other row has been handled.
"""

from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import crypto
from accounts.models import Credential
from audit import log as audit

BATCH_SIZE = 500

ROTATED, CURRENT, UNREADABLE, GONE = "rotated", "current", "unreadable", "gone"


def credential_ids(batch_size: int) -> Iterator[int]:
    """Every credential id in ascending order, fetched a batch at a time (no cursor held across writes)."""
    last = None
    while True:
        batch = Credential.objects.order_by("pk")
        if last is not None:
            batch = batch.filter(pk__gt=last)
        ids = list(batch.values_list("pk", flat=True)[:batch_size])
        yield from ids
        if len(ids) < batch_size:
            return
        last = ids[-1]


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret with the newest key in CREDENTIAL_KEYS (the first). "
        "Safe to interrupt and run again; fails, naming them, if some secrets cannot be decrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be done; write nothing.")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        counts = {ROTATED: 0, CURRENT: 0, UNREADABLE: 0, GONE: 0}
        for pk in credential_ids(BATCH_SIZE):
            outcome = self._rotate_one(pk, dry_run)
            counts[outcome] += 1
        verb = "Would re-encrypt" if dry_run else "Re-encrypted"
        summary = (
            f"{verb} {counts[ROTATED]} credential(s); {counts[CURRENT]} already on the newest key; "
            f"{counts[UNREADABLE]} unreadable."
        )
        if counts[GONE]:
            summary += f" {counts[GONE]} deleted while running."
        if dry_run:
            summary += " Dry run: nothing was written."
        else:
            audit.record(
                audit.Action.KEYS_ROTATED, username="(command line)", success=not counts[UNREADABLE], detail=summary
            )
        self.stdout.write(summary)
        if counts[UNREADABLE]:
            raise CommandError(
                f"{counts[UNREADABLE]} credential(s) listed above cannot be decrypted with any key in "
                "CREDENTIAL_KEYS. Add back the key they were encrypted with and run this again, or have "
                "their owners enter the secrets again. Keep the old keys until this command succeeds."
            )

    def _rotate_one(self, pk: int, dry_run: bool) -> str:
        with transaction.atomic():
            rows = Credential.objects.only("pk", "name", "owner", "secret_ciphertext")
            if not dry_run:
                rows = rows.select_for_update()
            credential = rows.filter(pk=pk).first()
            if credential is None:
                return GONE
            if crypto.is_current(credential.secret_ciphertext):
                return CURRENT
            try:
                ciphertext = crypto.rotate(credential.secret_ciphertext)
            except crypto.SecretUnreadable:
                owner = credential.owner.get_username()
                self.stderr.write(f"Unreadable: credential #{credential.pk} '{credential.name}' of user {owner}.")
                return UNREADABLE
            if not dry_run:
                # update(), not save(): only the ciphertext changes, and 'updated' keeps the user's last edit.
                Credential.objects.filter(pk=pk).update(secret_ciphertext=ciphertext)
        return ROTATED
