"""Refresh cached job lists from cron, so pages rarely wait for ModelArts; and, on the same schedule, delete
audit and login records past their retention (audit/retention.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db.models import QuerySet

from accounts.models import Credential
from audit import retention
from jobs import refresh


class Command(BaseCommand):
    help = (
        "Fetch the visualization-job list of every credential (or some) and replace the cached rows. "
        "Without --user or --project, also delete audit and login records past their retention."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this user's credentials (and no retention cleanup).")
        parser.add_argument("--project", help="Only credentials for this project id (and no retention cleanup).")

    @no_translations  # English for cron mail and logs, whatever LANGUAGE_CODE says
    def handle(self, *args, **options):
        credentials = Credential.objects.select_related("owner").order_by("owner__username", "name")
        if options["user"]:
            credentials = credentials.filter(owner__username=options["user"])
        if options["project"]:
            credentials = credentials.filter(project_id=options["project"].lower())
        failures = self._refresh(credentials)
        if not (options["user"] or options["project"]):  # a run for some lists only is about those lists
            self._purge()
        if failures:
            raise CommandError(f"{failures} of {credentials.count()} refresh(es) failed.")

    def _refresh(self, credentials: QuerySet) -> int:
        """Refresh each list, printing a line for each; returns how many failed."""
        failures = 0
        for credential in credentials:
            result = refresh.refresh_job_list(credential, force=True)
            label = f"{credential.owner.get_username()} / {credential.name} ({credential.project_id})"
            if result.error:
                failures += 1
                error = result.error
                self.stdout.write(
                    f"{label}: FAILED after {result.upstream_calls} call(s): {error.message} ({error.title})"
                )
            elif result.coalesced:
                self.stdout.write(f"{label}: refreshed by another process just now")
            elif result.cooldown:
                cooldown = refresh.describe_cooldown(result.cooldown)
                self.stdout.write(
                    f"{label}: {cooldown} REFRESH_COOLDOWN_SECONDS is {settings.REFRESH_COOLDOWN_SECONDS} s."
                )
            else:
                self.stdout.write(
                    f"{label}: {result.jobs} jobs in {result.upstream_calls} call(s), {result.seconds:.1f} s"
                )
        return failures

    def _purge(self) -> None:
        deleted = ", ".join(f"{count} {what}" for what, count in retention.purge_old_records())
        self.stdout.write(f"Retention: deleted {deleted}.")
