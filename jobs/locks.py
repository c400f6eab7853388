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

    A holder done well within the lock's lifetime still owns it and deletes it outright (one round trip
    fewer on every uncached page); one that ran long first checks that the lock is still its own, since it
    may have expired and been taken by someone else. A cache that drops keys early (eviction under memory
    pressure, culling) can break either way into a second holder: the cost is a duplicate upstream call.
    """
    token = secrets.token_hex(8)
    started = time.monotonic()
    acquired = cache.add(key, token, timeout=seconds)
    try:
        yield acquired
    finally:
        if acquired and (time.monotonic() - started < seconds / 2 or cache.get(key) == token):
            cache.delete(key)


def wait_for_unlock(key: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while cache.get(key) is not None and time.monotonic() < deadline:
        time.sleep(LOCK_POLL_SECONDS)
