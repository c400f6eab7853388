"""The projects' auto-stop policies: "stop visualization jobs running longer than N hours", enforced by the worker.

Visualization jobs are billed while they run, and forgotten ones are the common waste. The credential's owner
sets a policy on the project's page (jobs/views.py); every 5 minutes a periodic task (jobs/tasks.py) picks, for
every policy, the running jobs over its limit from the cached list, which keep_lists_fresh keeps current for
every project with a policy, viewed or not. Each is stopped through the shared action core (jobs/actions.py),
with the owner's credential and the origin "policy", so it is audited and its page says who stopped it.

Before stopping, the job's details are asked for again: the cached row may be minutes old (a list refreshes
every LIST_TTL, less often while it fails), and a job stopped and restarted meanwhile would still show the old
run's duration. One GET per stop, bounded like the stops, is cheap beside stopping a job that just restarted.

A failure (to check or to stop) is recorded per job and tried again after a back-off that doubles, so a job
ModelArts keeps refusing does not hold back the policy's other jobs, and is shown on the policy's page and the
overview until the job is stopped or no longer needs stopping. No run stops more than AUTO_STOP_MAX_STOPS_PER_RUN
jobs; the longest running go first, the rest in the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.crypto import SecretUnreadable
from audit.models import AuditEvent
from modelarts.errors import ModelArtsError, NotFound

from . import actions, details, failures
from .lookup_limit import LookupRateLimited
from .models import AutoStopFailure, AutoStopPolicy, CachedJob
from .status import status_for
from .upstream_limit import UpstreamBusy

HOUR_MS = 3_600_000
RECENT_STOPS = 10  # how many of its stops a policy's page and the overview list
logger = logging.getLogger(__name__)


def over_limit(credential_id: int, hours: int, now: datetime) -> QuerySet[CachedJob]:
    """The credential's cached running jobs that have run longer than ``hours``, longest running first (the
    indexed running_since), as a policy of that many hours would stop them now."""
    return CachedJob.objects.filter(
        credential_id=credential_id, status_group="running", running_since__lte=now - timedelta(hours=hours)
    ).order_by("running_since", "job_id")


def enforced_for(owner) -> bool:
    """Whether the worker acts on the owner's policies: actions are allowed here and the owner may still act on
    jobs (a policy does no more than its owner could). The overview says when it does not."""
    return owner.is_active and actions.enabled_for(owner)


@dataclass(frozen=True)
class Candidate:
    policy: AutoStopPolicy
    job: CachedJob


def candidates(now: datetime) -> list[Candidate]:
    """The jobs to stop in this run: of every enforced policy, the cached running jobs over its limit that are
    not backing off after a failure, longest running first, at most AUTO_STOP_MAX_STOPS_PER_RUN.

    Failures recorded for jobs no longer over the limit (stopped by someone, finished, restarted) are dropped:
    nothing is failing for them any more.
    """
    if not settings.JOB_ACTIONS_ENABLED:
        return []
    found: list[Candidate] = []
    for policy in AutoStopPolicy.objects.select_related("credential__owner").order_by("pk"):
        if not enforced_for(policy.credential.owner):
            continue
        jobs = list(over_limit(policy.credential_id, policy.hours, now))
        policy.failures.exclude(job_id__in=[job.job_id for job in jobs]).delete()
        waiting = {failure.job_id for failure in policy.failures.all() if failure.next_try > now}
        found.extend(Candidate(policy, job) for job in jobs if job.job_id not in waiting)
    found.sort(key=lambda candidate: (candidate.job.running_since, candidate.job.job_id))
    return found[: settings.AUTO_STOP_MAX_STOPS_PER_RUN]


@dataclass
class Run:
    """What one run did, for the task's log line and the tests."""

    stopped: list[int]
    failed: list[int]
    skipped: list[int]  # no longer running over the limit when asked again


def enforce(now: datetime | None = None) -> Run:
    """Stop the jobs ``candidates`` picks, each after checking its details again."""
    run = Run([], [], [])
    for candidate in candidates(now or timezone.now()):
        getattr(run, _enforce_one(candidate)).append(candidate.job.job_id)
    if run.stopped or run.failed:
        logger.info("auto-stop: %d stopped, %d failed, %d skipped", len(run.stopped), len(run.failed), len(run.skipped))
    return run


def _enforce_one(candidate: Candidate) -> str:
    """Check one job again and stop it if it still runs over the limit: "stopped", "failed" (recorded, tried
    again after its back-off) or "skipped"."""
    policy, job_id = candidate.policy, candidate.job.job_id
    credential = policy.credential
    try:
        job = details.get_job(credential, job_id)
    except NotFound:
        _clear_failure(policy, job_id)
        return "skipped"  # deleted since the list was fetched; its next refresh drops the row
    except (ModelArtsError, SecretUnreadable, LookupRateLimited, UpstreamBusy) as error:
        _record_failure(policy, candidate.job, failures.explain(error))
        return "failed"
    duration = job.duration_ms or 0
    if status_for(job.status).group != "running" or duration < policy.hours * HOUR_MS:
        _clear_failure(policy, job_id)
        return "skipped"
    outcome = actions.act(
        credential,
        job_id,
        actions.OPERATIONS["stop"],
        credential.owner,
        origin=actions.Origin.POLICY,
        job_hours=duration // HOUR_MS,
    )
    if outcome.explanation is not None:
        _record_failure(policy, candidate.job, outcome.explanation)
        return "failed"
    _clear_failure(policy, job_id)
    return "stopped"


def _record_failure(policy: AutoStopPolicy, job: CachedJob, error: failures.Explanation) -> None:
    now = timezone.now()
    failure, _ = AutoStopFailure.objects.get_or_create(
        policy=policy, job_id=job.job_id, defaults={"failing_since": now, "last_error_at": now}
    )
    failure.job_name = job.job_name
    failure.consecutive_failures += 1
    failure.last_error, failure.last_error_kind, failure.last_error_code = error.message, error.kind, error.code
    failure.last_error_at = now
    failure.save()
    logger.warning("auto-stop of job %s in %s failed: %s", job.job_id, policy.credential.project_id, error.message)


def _clear_failure(policy: AutoStopPolicy, job_id: int) -> None:
    AutoStopFailure.objects.filter(policy=policy, job_id=job_id).delete()


def failing_counts(policies: list[AutoStopPolicy]) -> dict[int, int]:
    """How many jobs each of these policies is failing to stop, by policy id, in one query."""
    rows = AutoStopFailure.objects.filter(policy__in=policies).values_list("policy_id").annotate(Count("pk"))
    return dict(rows.order_by())


def recent_stops(user, project_id: str | None = None) -> QuerySet[AuditEvent]:
    """The policies' latest stops (and failed stops) on the user's behalf, newest first: of one project, or of
    all of the user's."""
    events = AuditEvent.objects.filter(actor=user, origin=actions.Origin.POLICY)
    if project_id is not None:
        events = events.filter(project_id=project_id)
    return events.order_by("-created")[:RECENT_STOPS]
