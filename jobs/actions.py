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
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.crypto import SecretUnreadable
from accounts.models import Credential
from audit import log as audit
from audit.models import AuditEvent
from modelarts.client import CreatedJob, ModelArtsClient, Schedule, VisualizationJob
from modelarts.errors import BadResponse, ConnectionFailed, ModelArtsError, ServiceError, UpstreamTimeout

from . import details, failures
from .clients import client_for
from .models import CachedJob, JobCreation
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
CREATED_STATUS = 1  # what a new job shows first ("Being initialized") when ModelArts' answer has no status
TOKEN_SECONDS = 86_400  # how long a "New job" form's token is remembered: longer than anyone leaves a form open


@dataclass(frozen=True)
class Operation:
    """One kind of action: its URL and audit names, and how people are asked and told about it."""

    name: str  # as in Status.operations and the URL (<job>/stop/); "create" is the project's new/ instead
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
            "create",
            AuditEvent.Action.JOB_CREATE,
            _("Create"),
            _("New visualization job"),
            _("ModelArts creates the job and starts its TensorBoard or MindInsight; it is billed while it runs."),
            _("Creation of %(name)s requested by %(user)s at %(time)s."),
            follows=True,
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


@dataclass(frozen=True)
class Refusal:
    """Why a user may not act on jobs here: ``code`` for the JSON API, ``message`` for the person."""

    code: str
    message: Promise


ACTIONS_DISABLED = Refusal("actions_disabled", _("Actions on jobs are turned off on this dashboard: it is read-only."))
NOT_PERMITTED = Refusal(
    "not_permitted",
    _("You may not act on jobs: ask an administrator for the permission “Can operate visualization jobs”."),
)


def refusal_for(user) -> Refusal | None:
    """None when the user may act on jobs here (the deployment allows actions and the user has the permission);
    otherwise why not, so that the pages and the API refuse alike."""
    if not settings.JOB_ACTIONS_ENABLED:
        return ACTIONS_DISABLED
    if not user.has_perm(PERMISSION):
        return NOT_PERMITTED
    return None


def enabled_for(user) -> bool:
    return refusal_for(user) is None


def job_operations(user) -> list[Operation]:
    """Every operation on an existing job that the user may ask for: the job's page holds a dialog for each, since
    the job it follows may come to allow one it does not allow yet (a restart, once a stop has ended)."""
    if not enabled_for(user):
        return []
    return [operation for name, operation in OPERATIONS.items() if name != "create"]


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
    row: CachedJob | None = None  # a created job's new row in the cached list

    @property
    def explanation(self) -> failures.Explanation | None:
        return failures.explain_action(self.error) if self.error is not None else None

    @property
    def job_label(self) -> str:
        if self.job_name and self.job_id:
            return f"“{self.job_name}” ({self.job_id})"
        if self.job_name:  # a job ModelArts did not create
            return f"“{self.job_name}”"
        return str(_("job %(job_id)s") % {"job_id": self.job_id})

    @property
    def requested(self) -> str:
        """What was asked, by whom and when, in the active language (the time in its ``DATETIME_FORMAT``)."""
        moment = formats.date_format(timezone.localtime(self.at), "DATETIME_FORMAT")
        return str(self.operation.requested) % {"name": self.job_label, "user": self.username, "time": moment}


class Origin:
    """Who asked for an action: a person, on a page or through the API, or the project's auto-stop policy on behalf
    of the credential's owner (jobs/policies.py). Audited with the action, so the job's page can tell them apart."""

    PERSON = ""
    POLICY = "policy"


def perform(
    request: HttpRequest, credential: Credential, job_id: int, operation: Operation, description: str = ""
) -> Outcome:
    """An action a person asked for, on a page or through the API (see ``act``); audited with their address."""
    return act(credential, job_id, operation, request.user, description=description, request=request)


def act(
    credential: Credential,
    job_id: int,
    operation: Operation,
    user,
    *,
    origin: str = Origin.PERSON,
    description: str = "",
    request: HttpRequest | None = None,
    job_hours: int | None = None,
) -> Outcome:
    """Ask ModelArts for the action with the credential, bring the dashboard's copies of the job up to date if it
    accepted, and audit the attempt as ``user``'s, from ``origin``. ``description`` is the new one, for "edit";
    ``request`` gives the audit the person's address (the worker has none); ``job_hours`` is how long the job had
    run when a policy stopped it. Failures come back in the outcome, never raised: ModelArts' refusals and
    failures, a secret that cannot be read, and UpstreamBusy (nothing was asked) alike."""
    known = details.known_job(credential, job_id)
    outcome = Outcome(operation, job_id, known.job_name if known else "", user.get_username(), timezone.now())
    try:
        with upstream_slot():
            _send(client_for(credential), operation, job_id, description)
    except (ModelArtsError, SecretUnreadable, UpstreamBusy) as error:
        outcome = replace(outcome, error=error)
    else:
        _update_copies(credential, operation, job_id, description)
    _audit(credential, outcome, description, user=user, origin=origin, request=request, job_hours=job_hours)
    return outcome


@dataclass(frozen=True)
class NewJob:
    """A job to create, as the form checked it (jobs/forms.py: the train_url already in the form sent)."""

    name: str
    train_url: str
    job_type: Literal["tensorboard", "mindinsight"]
    description: str
    autostop_hours: int | None


class AlreadySent(Exception):
    """The form's token was sent before: ``job_id`` is the job it created, None while that is still asked."""

    def __init__(self, job_id: int | None) -> None:
        super().__init__(job_id)
        self.job_id = job_id


def create(request: HttpRequest, credential: Credential, token: UUID, job: NewJob) -> Outcome:
    """Create the job once per form token, put its row in the cached list at once, and audit the attempt.

    The token's row is inserted first (unique): a second sending of the same form, in this process or another,
    raises AlreadySent instead of asking ModelArts again. A refused creation deletes the row, so the same form,
    corrected, may be sent again; a creation that failed after ModelArts may have acted on it keeps the row
    (``may_have_acted``), so the same form never makes a second job. The new job's row comes from ModelArts'
    answer, so its page and the lists show it before the next refresh and its page's first look at it is not a
    lookup of an unknown job (which the per-user lookup limit counts).
    """
    JobCreation.objects.filter(created__lt=timezone.now() - timedelta(seconds=TOKEN_SECONDS)).delete()
    try:
        with transaction.atomic():
            claim = JobCreation.objects.create(token=token, credential=credential)
    except IntegrityError:
        earlier = JobCreation.objects.filter(token=token, credential=credential).first()
        raise AlreadySent(earlier.job_id if earlier else None) from None
    outcome = create_job(request, credential, job)
    if outcome.error is None:
        claim.job_id = outcome.job_id
        claim.save(update_fields=["job_id"])
    elif not may_have_acted(outcome.error):
        claim.delete()
    # Else the claim stays without a job: ModelArts may have created it, and the same form is not sent again.
    return outcome


def may_have_acted(error: Exception | None) -> bool:
    """Whether ModelArts may have carried a write out although the dashboard saw it fail: the request reached it,
    but the answer was lost (a timeout, a connection closed without an answer), unreadable, or a failure of
    ModelArts' own (5xx), which says nothing of what it had done by then. A refusal, a throttling, or a request
    that never left did nothing."""
    if not isinstance(error, ModelArtsError) or error.unsent:
        return False
    return isinstance(error, ConnectionFailed | UpstreamTimeout | BadResponse | ServiceError)


def create_job(request: HttpRequest, credential: Credential, job: NewJob) -> Outcome:
    """Ask ModelArts to create the job, put its row in the cached list at once if it did, and audit the attempt
    (the "New job" form through ``create``; the JSON API, whose clients decide themselves when to send again).
    Failures come back in the outcome, never raised, as for the other actions."""
    operation = OPERATIONS["create"]
    outcome = Outcome(operation, 0, job.name, request.user.get_username(), timezone.now())
    schedule = Schedule(job.autostop_hours) if job.autostop_hours is not None else None
    try:
        with upstream_slot():
            created = client_for(credential).create_visualization_job(
                job.name, job.train_url, job.job_type, job.description, schedule
            )
    except (ModelArtsError, SecretUnreadable, UpstreamBusy) as error:
        outcome = replace(outcome, error=error)
    else:
        row = _store_created(credential, job, created)
        outcome = replace(outcome, job_id=row.job_id, job_name=row.job_name, row=row)
    _audit(credential, outcome, job.train_url, user=request.user, origin=Origin.PERSON, request=request, job_hours=None)
    return outcome


def _store_created(credential: Credential, job: NewJob, created: CreatedJob) -> CachedJob:
    """The new job's row in the cached list, made as a list refresh makes rows, from what ModelArts answered
    and what was asked (the answer holds no description, training output or schedule)."""
    now = timezone.now()
    schedule = {"type": "stop", "time_unit": "HOURS", "duration": job.autostop_hours} if job.autostop_hours else None
    listed = VisualizationJob(
        job_id=created.job_id,
        job_name=created.job_name or job.name,
        status=created.status if created.status is not None else CREATED_STATUS,
        create_time=created.create_time or now,
        duration_ms=0,
        job_desc=job.description,
        service_url=created.service_url,
        train_url=job.train_url,
        resource_id="",
        remaining_duration_ms=None,
        schedule=schedule,
    )
    row, _created = CachedJob.objects.update_or_create(
        credential=credential, job_id=created.job_id, defaults=row_fields(listed, now)
    )
    return row


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


def _audit(
    credential: Credential,
    outcome: Outcome,
    description: str,
    *,
    user,
    origin: str,
    request: HttpRequest | None,
    job_hours: int | None,
) -> None:
    explanation = outcome.explanation
    if explanation is not None:
        detail = explanation.message
    elif outcome.operation.name == "edit":
        detail = f"new description: {description}"
    elif outcome.operation.name == "create":
        detail = f"training output: {description}"
    else:
        detail = ""
    if origin == Origin.POLICY:
        policy = f"auto-stop policy after {job_hours} h"
        detail = f"{policy}: {detail}" if detail else policy
    audit.record(
        outcome.operation.audit_action,
        request,
        user=user,
        target=f"job {outcome.job_id or '(not created)'} “{outcome.job_name}” in {audit.describe(credential)}",
        success=explanation is None,
        detail=detail,
        project_id=credential.project_id,
        job_id=outcome.job_id or None,
        origin=origin,
        job_hours=job_hours,
    )


@dataclass(frozen=True)
class PastAction:
    """One of a job's recent actions as its page lists it."""

    at: datetime
    username: str
    operation: Operation
    success: bool
    detail: str  # ModelArts' code and words when it refused
    origin: str = Origin.PERSON
    job_hours: int | None = None  # how long the job had run when the project's policy stopped it

    @property
    def actor(self) -> str:
        """Who asked, as the job's page says it: the person, or the project's policy on its owner's behalf."""
        if self.origin == Origin.POLICY:
            return _("the project's policy, on behalf of %(username)s") % {"username": self.username}
        return self.username


def recent(project_id: str, job_id: int) -> list[PastAction]:
    """The job's last actions, newest first, by anyone acting on this project's job through the dashboard.

    Its page lists them only to viewers whose own credential reached the job, who could see the job anyway.
    """
    events = AuditEvent.objects.filter(project_id=project_id, job_id=job_id, action__in=_BY_AUDIT_ACTION)
    return [
        PastAction(
            event.created,
            event.username,
            _BY_AUDIT_ACTION[event.action],
            event.success,
            event.detail,
            event.origin,
            event.job_hours,
        )
        for event in events.order_by("-created")[:RECENT_ACTIONS]
    ]


def following(past: list[PastAction], status: int) -> Operation | None:
    """The stop or restart that ModelArts accepted lately and does not show yet, which the page follows live.

    A change shows once the job's status no longer allows the same operation: a job that can no longer be
    stopped has stopped (or is stopping), one that can no longer be restarted was restarted.
    A new job is followed until it runs, or ends without running: its page shows it opened, or why not.
    """
    if not past or not past[0].success or not past[0].operation.follows:
        return None
    latest = past[0]
    if timezone.now() - latest.at > timedelta(seconds=FOLLOW_SECONDS):
        return None
    if latest.operation.name == "create":
        return latest.operation if status_for(status).group in ("starting", "queued") else None
    return latest.operation if latest.operation.name in status_for(status).operations else None
