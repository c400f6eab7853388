"""Actions on a visualization job: create it, stop, restart, edit its description, delete.

One place for what an action does, so the pages (jobs/views.py) and the JSON API behave alike: ``perform``
holds one of the process's upstream slots while it asks ModelArts (so a slow ModelArts never holds more
threads than it may), and once ModelArts has accepted it, drops the job's shared details and brings its
cached row up to date at once (stopping, queued again, the new description, or gone), so that no page shows
the old state for the cache's few seconds or the list's minutes. Every attempt is audited, accepted or not,
with the job, who asked, and ModelArts' error code if it refused.

Whether an operation is offered in a status is the status table's business (``Status.operations``); the
action itself asks ModelArts whatever the dashboard last saw, since that may be a few seconds old, and
explains a refusal (jobs/failures.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.crypto import SecretUnreadable
from accounts.models import Credential
from audit import log as audit
from audit.models import AuditEvent
from modelarts.client import ModelArtsClient, Schedule, VisualizationJob
from modelarts.errors import ModelArtsError

from . import details, failures
from .clients import client_for
from .models import CachedJob
from .refresh import row_fields
from .status import status_for
from .upstream_limit import UpstreamBusy, upstream_slot

PERMISSION = "jobs.operate_visualization_jobs"
# How long a job's page follows an accepted stop or restart, waiting for ModelArts to show it.
FOLLOW_SECONDS = 300
RECENT_ACTIONS = 5  # how many of a job's actions its page lists
# The status a job shows first once ModelArts accepted a stop (being canceled) or a restart (queued, as a job
# does before it runs); the cached row takes it at once, until ModelArts says more.
STOPPING_STATUS = 9
QUEUED_STATUS = 7
CREATED_STATUS = 1  # being initialized: what a new job shows first when ModelArts does not say


@dataclass(frozen=True)
class Operation:
    """One kind of action: its URL and audit names, and how people are asked and told about it."""

    name: str  # as in Status.operations and the URL (<job>/stop/)
    audit_action: str
    button: Promise  # the control's label
    question: Promise  # the confirmation's heading; %(name)s is the job
    consequence: Promise  # what happens, said before anyone confirms
    requested: Promise  # what was asked: %(name)s the job, %(user)s who, %(time)s when
    danger: bool = False  # drawn as a dangerous button
    follows: bool = False  # ModelArts acts on it later: the job's page follows until its status shows it

    @property
    def url_name(self) -> str:
        return f"job-{self.name}"


OPERATIONS: dict[str, Operation] = {
    operation.name: operation
    for operation in (
        Operation(
            "stop",
            AuditEvent.Action.JOB_STOP,
            _("Stop"),
            _("Stop “%(name)s”?"),
            _("ModelArts stops the job and its TensorBoard, and billing for it ends. You can restart it later."),
            _("Stop of %(name)s requested by %(user)s at %(time)s."),
            danger=True,
            follows=True,
        ),
        Operation(
            "restart",
            AuditEvent.Action.JOB_RESTART,
            _("Restart"),
            _("Restart “%(name)s”?"),
            _("ModelArts runs the job again on the same training output; it is billed again while it runs."),
            _("Restart of %(name)s requested by %(user)s at %(time)s."),
            follows=True,
        ),
        Operation(
            "edit",
            AuditEvent.Action.JOB_EDIT,
            _("Edit description"),
            _("Edit the description of “%(name)s”"),
            _("Only the description changes; the job itself goes on as it is."),
            _("Description of %(name)s changed by %(user)s at %(time)s."),
        ),
        Operation(
            "delete",
            AuditEvent.Action.JOB_DELETE,
            _("Delete"),
            _("Delete “%(name)s”?"),
            _("ModelArts stops the job if it runs and deletes it with its TensorBoard. This cannot be undone."),
            _("Deletion of %(name)s requested by %(user)s at %(time)s."),
            danger=True,
        ),
    )
}
_BY_AUDIT_ACTION = {operation.audit_action: operation for operation in OPERATIONS.values()}


def enabled_for(user) -> bool:
    """Whether the user may act on jobs here: the deployment allows actions, and the user has the permission."""
    return settings.JOB_ACTIONS_ENABLED and user.has_perm(PERMISSION)


def offered(user, status: int) -> list[Operation]:
    """The operations the job's page offers this user in this status (none without the right to act)."""
    if not enabled_for(user):
        return []
    return [OPERATIONS[name] for name in status_for(status).operations]


@dataclass(frozen=True)
class Outcome:
    """What became of one action: ``error`` is None when ModelArts accepted it."""

    operation: Operation
    job_id: int
    job_name: str  # as the dashboard last saw it; empty when it never saw the job
    username: str
    at: datetime
    error: ModelArtsError | SecretUnreadable | UpstreamBusy | None = None

    @property
    def explanation(self) -> failures.Explanation | None:
        return failures.explain_action(self.error) if self.error is not None else None

    @property
    def job_label(self) -> str:
        if self.job_name:
            return f"“{self.job_name}” ({self.job_id})"
        return str(_("job %(job_id)s") % {"job_id": self.job_id})

    @property
    def requested(self) -> str:
        """What was asked, by whom and when, in the active language."""
        moment = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M:%S %Z")
        return str(self.operation.requested) % {"name": self.job_label, "user": self.username, "time": moment}


def perform(
    request: HttpRequest, credential: Credential, job_id: int, operation: Operation, description: str = ""
) -> Outcome:
    """Ask ModelArts for the action with the credential, bring the dashboard's copies of the job up to date if it
    accepted, and audit the attempt. ``description`` is the new one, for "edit". Failures come back in the
    outcome, never raised: ModelArts' refusals and failures, a secret that cannot be read, and UpstreamBusy
    (nothing was asked) alike."""
    known = details.known_job(credential, job_id)
    user = request.user
    outcome = Outcome(operation, job_id, known.job_name if known else "", user.get_username(), timezone.now())
    try:
        with upstream_slot():
            _send(client_for(credential), operation, job_id, description)
    except (ModelArtsError, SecretUnreadable, UpstreamBusy) as error:
        outcome = replace(outcome, error=error)
    else:
        _update_copies(credential, operation, job_id, description)
    _audit(request, credential, outcome, description)
    return outcome


def _send(client: ModelArtsClient, operation: Operation, job_id: int, description: str) -> None:
    if operation.name == "stop":
        client.stop(job_id)
    elif operation.name == "restart":
        client.restart(job_id)
    elif operation.name == "edit":
        client.update_description(job_id, description)
    else:
        client.delete(job_id)


def _update_copies(credential: Credential, operation: Operation, job_id: int, description: str) -> None:
    """The job's shared details are dropped (the next viewer asks ModelArts), its cached row changed to what
    ModelArts accepted."""
    details.forget_job(credential, job_id)
    row = CachedJob.objects.for_job(credential, job_id)
    if operation.name == "delete":
        row.delete()
    elif operation.name == "edit":
        row.update(job_desc=description)
    else:
        status = STOPPING_STATUS if operation.name == "stop" else QUEUED_STATUS
        row.update(status=status, status_group=status_for(status).group, service_url="", running_since=None)


def _audit(request: HttpRequest, credential: Credential, outcome: Outcome, description: str) -> None:
    explanation = outcome.explanation
    if explanation is not None:
        detail = explanation.message
    elif outcome.operation.name == "edit":
        detail = f"new description: {description}"
    else:
        detail = ""
    audit.record(
        outcome.operation.audit_action,
        request,
        target=f"job {outcome.job_id} “{outcome.job_name}” in {audit.describe(credential)}",
        success=explanation is None,
        detail=detail,
        project_id=credential.project_id,
        job_id=outcome.job_id,
    )


@dataclass(frozen=True)
class NewJob:
    """A job to create, checked against ModelArts' limits by whoever asks (the API's schema, the page's form)."""

    job_name: str
    train_url: str
    job_type: Literal["tensorboard", "mindinsight"] = "tensorboard"
    job_desc: str = ""
    auto_stop_hours: int | None = None  # None: ModelArts' default; 0: never


def create_job(user, credential: Credential, fields: NewJob) -> CachedJob:
    """Ask ModelArts to create the job, put it in the project's cached list at once (so lists and its page show
    it before the next refresh), and audit the attempt. Failures are audited, then raised: ModelArts' refusals,
    a secret that cannot be read, and UpstreamBusy (nothing was asked)."""
    schedule = Schedule(fields.auto_stop_hours) if fields.auto_stop_hours is not None else None
    try:
        with upstream_slot():
            created = client_for(credential).create_visualization_job(
                fields.job_name, fields.train_url, fields.job_type, fields.job_desc, schedule
            )
    except (ModelArtsError, SecretUnreadable, UpstreamBusy) as error:
        _audit_creation(user, credential, fields, None, failures.explain_action(error).message)
        raise
    job = VisualizationJob(
        job_id=created.job_id,
        job_name=created.job_name or fields.job_name,
        status=CREATED_STATUS if created.status is None else created.status,
        create_time=created.create_time,
        duration_ms=0,
        job_desc=fields.job_desc,
        service_url=created.service_url,
        train_url=fields.train_url,
        resource_id="",
        remaining_duration_ms=None,
    )
    row, _ = CachedJob.objects.update_or_create(
        credential=credential, job_id=job.job_id, defaults=row_fields(job, timezone.now())
    )
    _audit_creation(user, credential, fields, job.job_id)
    return row


def _audit_creation(user, credential: Credential, fields: NewJob, job_id: int | None, failure: str = "") -> None:
    """What was asked for, and ModelArts' refusal if it refused (then there is no job id)."""
    job = f"job {job_id} “{fields.job_name}”" if job_id is not None else f"job “{fields.job_name}”"
    asked = f"train_url: {fields.train_url}, type: {fields.job_type}, auto-stop hours: {fields.auto_stop_hours}"
    audit.record(
        AuditEvent.Action.JOB_CREATE,
        user=user,
        target=f"{job} in {audit.describe(credential)}",
        success=not failure,
        detail=failure or asked,
        project_id=credential.project_id,
        job_id=job_id,
    )


@dataclass(frozen=True)
class PastAction:
    """One of a job's recent actions as its page lists it."""

    at: datetime
    username: str
    operation: Operation
    success: bool
    detail: str  # ModelArts' code and words when it refused


def recent(project_id: str, job_id: int) -> list[PastAction]:
    """The job's last actions, newest first, by anyone acting on this project's job through the dashboard.

    Its page lists them only to viewers whose own credential reached the job, who could see the job anyway.
    """
    events = AuditEvent.objects.filter(project_id=project_id, job_id=job_id, action__in=_BY_AUDIT_ACTION)
    return [
        PastAction(event.created, event.username, _BY_AUDIT_ACTION[event.action], event.success, event.detail)
        for event in events.order_by("-created")[:RECENT_ACTIONS]
    ]


def following(past: list[PastAction], status: int) -> Operation | None:
    """The stop or restart that ModelArts accepted lately and does not show yet, which the page follows live.

    A change shows once the job's status no longer allows the same operation: a job that can no longer be
    stopped has stopped (or is stopping), one that can no longer be restarted was restarted.
    """
    if not past or not past[0].success or not past[0].operation.follows:
        return None
    latest = past[0]
    if timezone.now() - latest.at > timedelta(seconds=FOLLOW_SECONDS):
        return None
    return latest.operation if latest.operation.name in status_for(status).operations else None
