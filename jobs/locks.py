"""Locks in the shared cache, so that concurrent requests for one job or one list cost one upstream call,
across processes when the cache is Redis."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

LOCK_POLL_SECONDS = 0.05


@contextmanager
def cache_lock(key: str, seconds: float) -> Iterator[bool]:
    """Yields whether this caller holds the lock. It expires by itself, so a crashed holder cannot wedge it.

    The holder deletes the lock only if it is still its own: it may have expired (or been evicted by a cache
    under memory pressure) and been taken by someone else, whose lock stays. A cache that drops keys early
    can still let a second holder in: the cost is a duplicate upstream call.
    """
    token = secrets.token_hex(8)
    acquired = cache.add(key, token, timeout=seconds)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)


def wait_for_unlock(key: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while cache.get(key) is not None and time.monotonic() < deadline:
        time.sleep(LOCK_POLL_SECONDS)
