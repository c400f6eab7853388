"""How a job moves after a write: ModelArts acts asynchronously, and so does the simulator, at a set pace.

A write does not change a job's status for good: it plans the job's next statuses (``seed.Step``), each at a
time on the simulator's clock, and every call settles the project first, taking the steps that are due.
Nothing runs in the background, so the same clock readings give the same answers: tests move the clock
(``clock_offset_seconds``) instead of sleeping. ``pace`` is how long each intermediate status lasts:

- create: 1 (Being initialized) at once, 7 (Queuing) after one pace, 8 (Running, with a ``service_url``)
  after two;
- stop: 9 (Being canceled) at once, 13 (Canceled) after one pace;
- restart (from 10, 11, 12 or 13): 7 at once, 8 after one pace; the run's ``duration`` starts again at 0;
- delete: the job is gone after one pace, unchanged until then;
- auto-stop: a running job with a ``schedule`` of N hours, whether a write started it or it was seeded running,
  is stopped as above once it has run N hours; ``duration`` and ``remaining_duration`` count as it runs.

The codes are those of ModelArts' published status table, written out here because the simulator imports
nothing of the dashboard (whose copy is ``jobs/status.py``). Which statuses a stop, a restart or a delete
accepts is what the reference's samples and the console show: a restart only from a finished job (10-13),
a stop only before the job has finished, a delete at any time but while the job is being canceled.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from simulator.seed import HOUR_MS, RUNNING_STATUSES, Job, Step

STARTING_STATUSES = frozenset({1, 2, 4, 18})
QUEUED_STATUS = 7
RUNNING_STATUS = 8
STOPPING_STATUS = 9
CANCELED_STATUS = 13
CREATED_STATUS = 1
# Jobs on their way to running or running: a stop applies to them, and they count against the running quota.
ACTIVE_STATUSES = STARTING_STATUSES | {QUEUED_STATUS} | RUNNING_STATUSES
RESTARTABLE_STATUSES = frozenset({10, 11, 12, 13})
UNDELETABLE_STATUSES = frozenset({STOPPING_STATUS})
# The verbs of ModelArts' refusals: "This job can't be resubmit. job status: 8".
_VERBS = {"stop": "stop", "restart": "resubmit", "delete": "delete"}


def refusal(operation: str, job: Job) -> str | None:
    """ModelArts' words for refusing ``operation`` ("stop", "restart" or "delete") in the job's status, if it does."""
    status = job.fields.get("status")
    allowed = {
        "stop": status in ACTIVE_STATUSES,
        "restart": status in RESTARTABLE_STATUSES,
        "delete": status not in UNDELETABLE_STATUSES,
    }[operation]
    return None if allowed else f"This job can't be {_VERBS[operation]}. job status: {status}"


def is_active(job: Job) -> bool:
    return job.fields.get("status") in ACTIVE_STATUSES


def autostop_hours(schedule: Any) -> int | None:
    """The hours of an auto-stop ``schedule`` in any documented form (object or one-element array, ``time_unit``
    or ``timeUnit``); None without one, or for 0 hours, which stops nothing."""
    if isinstance(schedule, list) and len(schedule) == 1:
        schedule = schedule[0]
    if not isinstance(schedule, dict) or schedule.get("type") != "stop":
        return None
    duration = schedule.get("duration")
    if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
        return None
    return duration


def seeded(job: Job, pace: float) -> Job:
    """A job as seeded: one seeded running (``running_since`` set) has its auto-stop, if any, ahead of it."""
    if job.running_since is None:
        return job
    return replace(job, steps=tuple(_autostop_from(job.running_since, job, pace)))


def create(job: Job, now: float, pace: float, service_url: str) -> Job:
    """A job just accepted (its fields say status 1), with its way to running ahead of it."""
    first = Step(now + pace, {"status": QUEUED_STATUS})
    return replace(job, steps=(first, *_run_from(now + 2 * pace, job, pace, service_url)))


def stop(job: Job, now: float, pace: float) -> Job:
    """Being canceled at once, canceled one pace later; an auto-stop planned is dropped, a deletion is not."""
    now_step = Step(now, {"status": STOPPING_STATUS, "service_url": ""})
    steps = _plan(job, [now_step, Step(now + pace, {"status": CANCELED_STATUS})])
    return _take(replace(job, steps=steps), now_step)


def restart(job: Job, now: float, pace: float, service_url: str) -> Job:
    """Queued at once with a fresh run (duration 0, the whole auto-stop ahead), running one pace later."""
    fields: dict[str, Any] = {**job.fields, "status": QUEUED_STATUS, "duration": 0}
    hours = autostop_hours(fields.get("schedule"))
    if hours is not None:
        fields["remaining_duration"] = hours * HOUR_MS
    restarted = replace(job, fields=fields, running_since=None)
    return replace(restarted, steps=_plan(job, _run_from(now + pace, restarted, pace, service_url)))


def delete(job: Job, now: float, pace: float) -> Job:
    """Gone one pace from now (or when an earlier delete said); nothing else planned happens meanwhile."""
    return replace(job, steps=_removal(job) or (Step(now + pace, removes=True),))


def _removal(job: Job) -> tuple[Step, ...]:
    """The deletion a job has ahead of it, if any (``_plan`` keeps it last)."""
    return job.steps[-1:] if job.steps and job.steps[-1].removes else ()


def _plan(job: Job, steps: list[Step]) -> tuple[Step, ...]:
    """New steps replacing the job's, in time order, its deletion kept; it ends the job, so nothing follows it."""
    removal = _removal(job)
    if removal:
        steps = [step for step in steps if step.at < removal[0].at]
    return (*sorted(steps, key=lambda step: step.at), *removal)


def settle_all(jobs: dict[int, Job], now: float) -> None:
    """Bring every job of a project with a step due to ``now``, in place: due steps taken, deleted jobs removed.

    A running job's run time is not written here but counted when it is answered (``as_of``): a project may hold
    thousands of running jobs, and a call answers about one of them or a page of them."""
    due = [job for job in jobs.values() if job.steps and job.steps[0].at <= now]
    for job in due:
        settled = settle(job, now)
        if settled is None:
            del jobs[job.job_id]
        else:
            jobs[job.job_id] = settled


def settle(job: Job, now: float) -> Job | None:
    """The job as it is at ``now``: its due steps taken (None once it is deleted)."""
    while job.steps and job.steps[0].at <= now:
        step = job.steps[0]
        if step.removes:
            return None
        job = _take(job, step)
    return job


def as_of(job: Job, now: float) -> Job:
    """The job as answered at ``now`` (settled first): a running job's ``duration`` and ``remaining_duration``
    counted to then."""
    if job.running_since is None:
        return job
    return replace(job, fields=_run_time(job.fields, job.running_since, now))


def _run_from(start: float, job: Job, pace: float, service_url: str) -> list[Step]:
    """Running from ``start``; with an auto-stop, stopped (as ``stop`` does) once its hours are used up."""
    return [Step(start, {"status": RUNNING_STATUS, "service_url": service_url}), *_autostop_from(start, job, pace)]


def _autostop_from(start: float, job: Job, pace: float) -> list[Step]:
    """The stop of a job running from ``start`` once its auto-stop hours are used up (none without one)."""
    hours = autostop_hours(job.fields.get("schedule"))
    if hours is None:
        return []
    end = start + hours * HOUR_MS / 1000
    return [Step(end, {"status": STOPPING_STATUS, "service_url": ""}), Step(end + pace, {"status": CANCELED_STATUS})]


def _take(job: Job, step: Step) -> Job:
    """One step; entering a running status starts the run's clock, leaving it fixes the run's duration."""
    running = step.fields.get("status", job.fields.get("status")) in RUNNING_STATUSES
    fields = {**job.fields, **step.fields}
    running_since = job.running_since
    if running and running_since is None:
        running_since = step.at
    elif not running and running_since is not None:
        fields = _run_time(fields, running_since, step.at)
        running_since = None
    return replace(job, fields=fields, steps=job.steps[1:], running_since=running_since)


def _run_time(fields: dict[str, Any], running_since: float, until: float) -> dict[str, Any]:
    """``duration`` (and ``remaining_duration`` under an auto-stop) of a run from ``running_since`` to ``until``."""
    duration = max(0, round((until - running_since) * 1000))
    timed = {**fields, "duration": duration}
    hours = autostop_hours(fields.get("schedule"))
    if hours is not None:
        timed["remaining_duration"] = max(0, hours * HOUR_MS - duration)
    return timed
