"""Whether the background worker runs, as the web processes can tell: consumers say so in the database.

Each consumer process keeps one WorkerHeartbeat row up to date, from the periodic task every minute and from
every refresh task it runs. The database, not the cache, because the default cache is each process's own
memory; pages only remember in the cache how long the last heartbeat they read keeps them quiet. /readyz does
not look at it: a stopped worker leaves lists stale, it does not make pages fail.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Max, Q
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from accounts.models import Credential

from .models import WorkerHeartbeat

SILENT_AFTER = timedelta(minutes=2)  # twice the heartbeat task's period
PRUNE_AFTER = timedelta(hours=1)  # a consumer silent this long has stopped (or restarted under a new pid)
QUIET_UNTIL_KEY = "worker-heartbeat:quiet-until"


def record() -> None:
    """This process ran a task just now."""
    WorkerHeartbeat.objects.update_or_create(
        host=socket.gethostname()[:255], pid=os.getpid(), defaults={"seen_at": timezone.now()}
    )


def prune() -> None:
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - PRUNE_AFTER).delete()


def worker_missing_for(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the user should be told that lists are not being refreshed: no consumer has been seen for
    SILENT_AFTER, and one of the user's lists is stale (or was never fetched).

    Every signed-in page asks, so the usual answer is made cheap: a consumer seen at T keeps every page quiet
    until T + SILENT_AFTER, which one look at the heartbeats tells and the cache then remembers. A cached job
    page took 5.6-6.0 ms of CPU with a query for it on every page, 4.7-4.9 ms with this (docs/performance.md,
    run E). Without a consumer seen lately, a second query looks for the user's stale lists.

    With the queue in immediate mode (a development setting; the tests) refreshes run inside the request
    that queues them, so there is no worker to miss.
    """
    if HUEY.immediate:
        return False
    now = timezone.now()
    quiet_until = cache.get(QUIET_UNTIL_KEY)
    if quiet_until is not None and now < quiet_until:
        return False
    latest = WorkerHeartbeat.objects.aggregate(latest=Max("seen_at"))["latest"]
    if latest is not None and now < latest + SILENT_AFTER:
        cache.set(QUIET_UNTIL_KEY, latest + SILENT_AFTER, timeout=(latest + SILENT_AFTER - now).total_seconds())
        return False
    stale = (
        Q(list_refresh__isnull=True)
        | Q(list_refresh__fetched_at__isnull=True)
        | Q(list_refresh__fetched_at__lt=now - timedelta(seconds=settings.LIST_TTL))
    )
    return Credential.objects.for_user(user).filter(stale).exists()
