"""List refreshes on the task queue (huey), so that no page waits for ModelArts to list a project's jobs.

At most one refresh per credential is queued or running, however many viewers ask: queuing first claims
the credential's JobListRefresh row (``queued_at``) with one conditional UPDATE, and the task clears the
claim when it ends. The claim lives in the database rather than the cache because the web processes and
the consumers always share the database, while the default cache is each process's own memory; and an
UPDATE ... WHERE is atomic on SQLite and PostgreSQL alike. huey's own lock_task would only cover the
running task, not one waiting in the queue. A claim whose task was lost (a consumer killed, a queue
emptied) expires after LIST_REFRESH_QUEUED_SECONDS, so the next viewer queues a new one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from huey.contrib.djhuey import HUEY, db_task

from accounts.models import Credential

from . import refresh
from .models import JobListRefresh


def enqueue_refresh(credential: Credential, *, force: bool = False) -> bool:
    """Queue a refresh of the credential's list unless one is queued or running already; whether it queued.

    ``force`` is "Refresh now": the task fetches the list even if it is not stale (within the cooldown).
    """
    now = timezone.now()
    JobListRefresh.objects.get_or_create(credential=credential)
    expired = now - timedelta(seconds=settings.LIST_REFRESH_QUEUED_SECONDS)
    claimed = (
        JobListRefresh.objects.filter(credential=credential)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=expired))
        .update(queued_at=now)
    )
    if claimed:
        refresh_list(credential.pk, now, force=force)
    return bool(claimed)


def refresh_now(credential: Credential) -> refresh.Cooldown | bool:
    """What "Refresh now" does (the pages' button, ``refresh_job_lists --enqueue``), returning at once: the
    cooldown that refuses it, or else whether a refresh was queued (False: one is queued or running already)."""
    too_soon = refresh.cooldown(refresh.list_state(credential), timezone.now())
    if too_soon is not None:
        return too_soon
    return enqueue_refresh(credential, force=True)


def queue_stale_refreshes(credentials: list[Credential]) -> dict[int, JobListRefresh | None]:
    """Each credential's list state, after queuing a refresh of the stale lists among them.

    The page answers from the stored rows at once; a state read again after queuing shows the refresh
    waiting (or, with the queue in immediate mode, its outcome).
    """
    states = refresh.list_states(credentials)
    now = timezone.now()
    for credential in credentials:
        if refresh.needs_refresh(states.get(credential.pk), now) and enqueue_refresh(credential):
            states[credential.pk] = refresh.list_state(credential)
    return states


@db_task()
def refresh_list(credential_id: int, queued_at: datetime, *, force: bool) -> None:
    """Fetch one credential's list (refresh.refresh_job_list records the outcome), then release the claim.

    Only this task's own claim is released: one that expired and was claimed again belongs to another task.
    A credential deleted since it was queued has nothing left to refresh.
    """
    try:
        credential = Credential.objects.filter(pk=credential_id).first()
        if credential is not None:
            refresh.refresh_job_list(credential, force=force, wait=False)
    finally:
        JobListRefresh.objects.filter(credential_id=credential_id, queued_at=queued_at).update(queued_at=None)


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
