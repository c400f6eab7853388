from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who did what to which credential, from where, with what outcome. Written by the app, read in the
    admin by staff, never edited. Secrets never go in here."""

    class Action:
        """What happened: plain strings, so a new kind of event needs no migration (only a LABELS entry)."""

        LOGIN = "login"
        LOGIN_FAILED = "login_failed"
        LOGOUT = "logout"
        CREDENTIAL_CREATED = "credential_created"
        CREDENTIAL_CHANGED = "credential_changed"
        CREDENTIAL_DELETED = "credential_deleted"
        CREDENTIAL_TESTED = "credential_tested"
        KEYS_ROTATED = "keys_rotated"
        API_TOKEN_CREATED = "api_token_created"
        API_TOKEN_REVOKED = "api_token_revoked"
        JOB_CREATE = "job_create"
        JOB_STOP = "job_stop"
        JOB_RESTART = "job_restart"
        JOB_EDIT = "job_edit"
        JOB_DELETE = "job_delete"
        AUTO_STOP_SET = "auto_stop_set"
        AUTO_STOP_CHANGED = "auto_stop_changed"
        AUTO_STOP_REMOVED = "auto_stop_removed"
        JOB_CREATE = "job_create"

    LABELS = {
        Action.LOGIN: "Logged in",
        Action.LOGIN_FAILED: "Failed login",
        Action.LOGOUT: "Logged out",
        Action.CREDENTIAL_CREATED: "Credential created",
        Action.CREDENTIAL_CHANGED: "Credential changed",
        Action.CREDENTIAL_DELETED: "Credential deleted",
        Action.CREDENTIAL_TESTED: "Credential tested",
        Action.KEYS_ROTATED: "Credential keys rotated",
        Action.API_TOKEN_CREATED: "API token created",
        Action.API_TOKEN_REVOKED: "API token revoked",
        Action.JOB_CREATE: "Job creation requested",
        Action.JOB_STOP: "Job stop requested",
        Action.JOB_RESTART: "Job restart requested",
        Action.JOB_EDIT: "Job description changed",
        Action.JOB_DELETE: "Job deletion requested",
        Action.AUTO_STOP_SET: "Auto-stop policy set",
        Action.AUTO_STOP_CHANGED: "Auto-stop policy changed",
        Action.AUTO_STOP_REMOVED: "Auto-stop policy removed",
        Action.JOB_CREATE: "Job creation requested",
    }

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, blank=True)  # kept when the user is deleted, or never existed
    action = models.CharField(max_length=32)
    target = models.CharField(max_length=200, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    success = models.BooleanField(default=True)
    detail = models.CharField(max_length=500, blank=True)
    # For actions on a visualization job: which one, so its page can list what was done to it.
    project_id = models.CharField(max_length=32, blank=True)
    job_id = models.BigIntegerField(null=True, blank=True)
    # Who asked for an action on a job: "" a person, "policy" the project's auto-stop policy on behalf of the
    # credential's owner (the actor); then how long the job had run, in whole hours, for its page to say.
    origin = models.CharField(max_length=16, blank=True)
    job_hours = models.IntegerField(null=True, blank=True)

    class Meta:
        db_table = "jobs_auditevent"  # created by the jobs app, before the audit log had an app of its own
        ordering = ["-created"]
        indexes = [models.Index(fields=["project_id", "job_id", "created"], name="auditevent_job")]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action_label}"

    @property
    def action_label(self) -> str:
        return self.LABELS.get(self.action, self.action)
