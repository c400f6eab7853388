"""List refreshes on the task queue (huey), so that no page waits for ModelArts to list a project's jobs.

At most one refresh per credential is queued or running, however many viewers ask: queuing first claims
the credential's JobListRefresh row (``queued_at``) with one conditional UPDATE, and the task clears the
claim when it ends. The claim lives in the database rather than the cache because the web processes and
the consumers always share the database, while the default cache is each process's own memory; and an
UPDATE ... WHERE is atomic on SQLite and PostgreSQL alike. huey's own lock_task would only cover the
running task, not one waiting in the queue. A claim whose task was lost (a consumer killed, a queue
emptied) expires after LIST_REFRESH_QUEUED_SECONDS, so the next viewer queues a new one.

Lists also stay fresh without anyone looking: every KEEP_FRESH_PERIOD the scheduler queues, through the same
claim, a refresh of each stale list viewed in the last KEEP_FRESH_DAYS, spread over the period. How many run
at once is bounded by the consumers' workers (TASK_QUEUE_WORKERS each). Periodic tasks fire once per period
only if exactly one consumer runs the scheduler (the others run with --no-periodic; README, Deployment).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task

from accounts.models import Credential

from . import heartbeat, refresh
from .models import JobListRefresh

KEEP_FRESH_PERIOD = timedelta(minutes=5)  # keep_lists_fresh's crontab below says the same


def enqueue_refresh(credential: Credential, *, force: bool = False, delay: float = 0) -> bool:
    """Queue a refresh of the credential's list unless one is queued or running already; whether it queued.

    ``force`` is "Refresh now": the task fetches the list even if it is not stale (within the cooldown).
    ``delay`` (seconds) schedules it for later; the claim then holds from when it is due. A claim due later
    than this refresh would be (the periodic task's) is taken over: a viewer never waits for a slot in the
    periodic task's spread, and the task that was superseded does nothing (``refresh_list``).
    """
    return bool(_enqueue_refreshes([credential.pk], force=force, delay=delay))


def _enqueue_refreshes(credential_ids: list[int], *, force: bool = False, delay: float = 0) -> set[int]:
    """Claim and queue the refreshes of several lists at once (enqueue_refresh); the credentials queued.

    A page showing twenty stale lists claims them with one UPDATE instead of a few queries each
    (docs/performance.md, home_20_stale_over_fresh_ratio). The claim's time tells which rows this call
    took: a row claimed meanwhile by another viewer holds another time.
    """
    now = timezone.now()
    due = now + timedelta(seconds=delay)
    rows = JobListRefresh.objects.filter(credential_id__in=credential_ids)
    missing = set(credential_ids) - set(rows.values_list("credential_id", flat=True))
    if missing:  # never refreshed; another viewer may be creating the same rows
        JobListRefresh.objects.bulk_create([JobListRefresh(credential_id=pk) for pk in missing], ignore_conflicts=True)
    claimed = rows.filter(_unclaimed(now) | Q(queued_at__gt=due)).update(queued_at=due)
    if not claimed:
        return set()
    if claimed == len(credential_ids):
        ids = set(credential_ids)
    else:
        ids = set(rows.filter(queued_at=due).values_list("credential_id", flat=True))
    for credential_id in ids:
        if delay > 0:
            refresh_list.schedule(args=(credential_id, due), kwargs={"force": force}, eta=due)
        else:
            refresh_list(credential_id, due, force=force)
    return ids


def _unclaimed(now: datetime) -> Q:
    """No refresh holds the list: no claim, or one whose task was lost (LIST_REFRESH_QUEUED_SECONDS old)."""
    return Q(queued_at__isnull=True) | Q(queued_at__lt=now - timedelta(seconds=settings.LIST_REFRESH_QUEUED_SECONDS))


def refresh_now(credential: Credential) -> refresh.Cooldown | bool:
    """What "Refresh now" does (the pages' button, ``refresh_job_lists --enqueue``), returning at once: the
    cooldown that refuses it, or else whether a refresh was queued (False: one is queued or running already).

    It does not wait for the back-off of a failing list (JobListRefresh.next_try): someone asked.
    """
    too_soon = refresh.cooldown(refresh.list_state(credential), timezone.now())
    if too_soon is not None:
        return too_soon
    return enqueue_refresh(credential, force=True)


def queue_stale_refreshes(credentials: list[Credential]) -> dict[int, JobListRefresh | None]:
    """Each credential's list state, after queuing a refresh of the stale lists among them that are due
    (refresh.needs_refresh) and recording that they were viewed (refresh.record_views).

    The page answers from the stored rows at once; a state read again after queuing shows the refresh
    waiting (or, with the queue in immediate mode, its outcome).
    """
    states = refresh.list_states(credentials)
    now = timezone.now()
    due = [credential.pk for credential in credentials if refresh.needs_refresh(states.get(credential.pk), now)]
    queued = _enqueue_refreshes(due) if due else set()
    if queued:
        states.update(refresh.list_states([credential for credential in credentials if credential.pk in queued]))
    refresh.record_views(states, now)
    return states


def lists_to_keep_fresh(now: datetime) -> list[JobListRefresh]:
    """The lists the periodic task refreshes: viewed in the last KEEP_FRESH_DAYS, stale, not claimed by a
    refresh, and past any back-off; the longest unrefreshed first."""
    candidates = (
        JobListRefresh.objects.filter(last_viewed_at__gte=now - timedelta(days=settings.KEEP_FRESH_DAYS))
        .filter(Q(fetched_at__isnull=True) | Q(fetched_at__lt=now - timedelta(seconds=settings.LIST_TTL)))
        .filter(_unclaimed(now))
        .select_related("credential")
        .order_by(F("fetched_at").asc(nulls_first=True), "pk")
    )
    return [state for state in candidates if refresh.needs_refresh(state, now)]


def queue_lists_to_keep_fresh() -> int:
    """Queue a refresh of each list to keep fresh, spread evenly over KEEP_FRESH_PERIOD so that a thousand
    lists gone stale together do not all reach ModelArts at once; how many were queued."""
    due = lists_to_keep_fresh(timezone.now())
    gap = KEEP_FRESH_PERIOD.total_seconds() / max(len(due), 1)
    return sum(enqueue_refresh(state.credential, delay=index * gap) for index, state in enumerate(due))


@db_task()
def refresh_list(credential_id: int, queued_at: datetime, *, force: bool) -> None:
    """Fetch one credential's list (refresh.refresh_job_list records the outcome), then release the claim.

    Only the task holding the claim fetches, and only its own claim is released: one that expired, or was
    taken over by a refresh due sooner (enqueue_refresh), belongs to another task. A credential deleted since
    it was queued has nothing left to refresh.
    """
    try:
        heartbeat.record()
        credential = Credential.objects.filter(pk=credential_id, list_refresh__queued_at=queued_at).first()
        if credential is not None:
            refresh.refresh_job_list(credential, force=force, wait=False)
    finally:
        JobListRefresh.objects.filter(credential_id=credential_id, queued_at=queued_at).update(queued_at=None)


@db_periodic_task(crontab(minute="*/5"))
@lock_task("keep-lists-fresh")  # a run outlasting its period (a slow database) is not joined by the next
def keep_lists_fresh() -> None:
    heartbeat.record()
    queue_lists_to_keep_fresh()


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    """Says every minute that a consumer runs, for the pages' notice when none does (jobs.heartbeat)."""
    heartbeat.record()
    heartbeat.prune()


def create_queue_tables(**kwargs: object) -> None:
    """After ``migrate`` (its post_migrate signal): the queue's tables, where it keeps them in SQL (PostgreSQL, the
    SQLite file). A queue in Redis, or in memory as under the tests, has none.

    The settings build the queue with create_tables=False, because huey would otherwise run its DDL whenever
    it is imported, in every web process and command, and against the settings' database even under the
    tests (pytest-django's test database has another name). ``migrate`` runs on every deployment before the
    web processes and consumers start (``make run``, ``make serve``, the systemd unit, the Procfile's
    release), and huey's statements are "create ... if not exists", so running them again costs nothing.
    """
    initialize_schema = getattr(HUEY.storage, "initialize_schema", None)
    if initialize_schema is not None:
        initialize_schema()
