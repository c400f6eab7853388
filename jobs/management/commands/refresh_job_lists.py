"""Refresh cached job lists from scripts and cron (or, with --enqueue, queue their refreshes for the background
worker); and, on the same schedule, delete audit and login records past their retention (audit/retention.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db.models import QuerySet

from accounts.models import Credential
from audit import retention
from jobs import refresh, tasks


class Command(BaseCommand):
    help = (
        "Fetch the visualization-job list of every credential (or some) and replace the cached rows. "
        "Without --user or --project, also delete audit and login records past their retention."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this user's credentials (and no retention cleanup).")
        parser.add_argument("--project", help="Only credentials for this project id (and no retention cleanup).")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the refreshes for the background worker and return at once instead of fetching the lists.",
        )

    @no_translations  # English for cron mail and logs, whatever LANGUAGE_CODE says
    def handle(self, *args, **options):
        credentials = Credential.objects.select_related("owner").order_by("owner__username", "name")
        if options["user"]:
            credentials = credentials.filter(owner__username=options["user"])
        if options["project"]:
            credentials = credentials.filter(project_id=options["project"].lower())
        failures = self._enqueue(credentials) if options["enqueue"] else self._refresh(credentials)
        if not (options["user"] or options["project"]):  # a run for some lists only is about those lists
            self._purge()
        if failures:
            raise CommandError(f"{failures} of {credentials.count()} refresh(es) failed.")

    def _refresh(self, credentials: QuerySet) -> int:
        """Refresh each list, printing a line for each; returns how many failed."""
        failures = 0
        for credential in credentials:
            result = refresh.refresh_job_list(credential, force=True)
            label = _label(credential)
            if result.error:
                failures += 1
                error = result.error
                self.stdout.write(
                    f"{label}: FAILED after {result.upstream_calls} call(s): {error.message} ({error.title})"
                )
            elif result.coalesced:
                self.stdout.write(f"{label}: refreshed by another process just now")
            elif result.cooldown:
                self._write_cooldown(label, result.cooldown)
            else:
                self.stdout.write(
                    f"{label}: {result.jobs} jobs in {result.upstream_calls} call(s), {result.seconds:.1f} s"
                )
        return failures

    def _enqueue(self, credentials: QuerySet) -> int:
        """Queue each list's refresh, printing a line for each; nothing fails here (the worker records failures)."""
        for credential in credentials:
            outcome = tasks.refresh_now(credential)
            label = _label(credential)
            if isinstance(outcome, refresh.Cooldown):
                self._write_cooldown(label, outcome)
            else:
                self.stdout.write(f"{label}: {'queued' if outcome else 'already queued or running'}")
        return 0

    def _write_cooldown(self, label: str, cooldown: refresh.Cooldown) -> None:
        explanation = refresh.describe_cooldown(cooldown)
        self.stdout.write(f"{label}: {explanation} REFRESH_COOLDOWN_SECONDS is {settings.REFRESH_COOLDOWN_SECONDS} s.")

    def _purge(self) -> None:
        deleted = ", ".join(f"{count} {what}" for what, count in retention.purge_old_records())
        self.stdout.write(f"Retention: deleted {deleted}.")


def _label(credential: Credential) -> str:
    return f"{credential.owner.get_username()} / {credential.name} ({credential.project_id})"
