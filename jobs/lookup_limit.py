"""The per-user limit on detail lookups that reach ModelArts: a token bucket in the shared cache."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

from .locks import LOCK_POLL_SECONDS, cache_lock

LOOKUP_LOCK_SECONDS = 1  # far longer than reading and writing a detail-lookup bucket, done under its lock


class LookupRateLimited(Exception):
    """The user asked ModelArts for too many job details lately; this lookup was not sent."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many job lookups; try again in {retry_after} s.")
        self.retry_after = retry_after  # whole seconds until a lookup is possible again


def take_detail_lookup(user_id: int) -> None:
    """Take one lookup from the user's token bucket, or raise LookupRateLimited.

    Job ids are free to make up, so without a bound one user (or one script with their API token) could
    send ModelArts a request per id as fast as the dashboard answers, on a credential and a quota that may
    be shared with others. So lookups of ids missing from the credential's cached list are charged, and so
    are connection tests; lookups of listed jobs are not: a running job's page polls every few seconds,
    and a few such tabs would otherwise use up the bucket. The bucket holds DETAIL_LOOKUP_BURST lookups
    and refills by DETAIL_LOOKUP_RATE a minute: a loop over made-up ids soon meets it.

    The bucket is one value in the shared cache, (tokens, when), so every worker and host draws from the
    same one. Reading and writing it is not atomic in Django's cache API (two workers could both take the
    last token), so a short lock (cache.add) makes the read-modify-write one step: four cache round trips
    in all (lock, read, write, unlock), on a path that is about to wait for ModelArts anyway. An atomic
    counter (cache.incr) would need one, but counts fixed windows, which let twice the rate through around
    each window's edge. What the lock trades: a caller that cannot get it within LOOKUP_LOCK_SECONDS (a
    holder died, or the user's lookups pile up) is told to try again in a second, rather than going ahead
    without a token, which would let a crowd of simultaneous lookups past the limit; a cache that loses
    the value (restart, eviction) hands out a full bucket again; hosts whose clocks disagree refill a
    little early or late. None of these lets anyone far beyond the limit for long.
    """
    key = f"detail-lookups:{user_id}"
    deadline = time.monotonic() + LOOKUP_LOCK_SECONDS
    while True:
        with cache_lock(f"{key}:lock", LOOKUP_LOCK_SECONDS) as acquired:
            if acquired:
                wait = _draw_token(key)
                break
        if time.monotonic() >= deadline:
            raise LookupRateLimited(1)
        time.sleep(LOCK_POLL_SECONDS)
    if wait:
        raise LookupRateLimited(max(1, math.ceil(wait)))


def _draw_token(key: str) -> float:
    """Seconds until a token is available; 0 after taking one. Call with the bucket's lock held."""
    burst = settings.DETAIL_LOOKUP_BURST
    per_second = settings.DETAIL_LOOKUP_RATE / 60
    now = time.time()
    tokens, then = cache.get(key) or (burst, now)
    tokens = min(burst, tokens + max(0.0, now - then) * per_second)
    if tokens < 1:
        return (1 - tokens) / per_second
    # A bucket left alone this long is full again, which is what a missing key means.
    cache.set(key, (tokens - 1, now), timeout=math.ceil(burst / per_second) + 1)
    return 0.0
