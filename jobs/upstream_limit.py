"""How many requests of this process may wait on ModelArts at once (UPSTREAM_CONCURRENCY).

A process serves requests with a few threads (gunicorn's gthread worker, WEB_THREADS of them). A request that
asks ModelArts for something holds its thread for as long as ModelArts takes to answer, up to the timeouts and
retries. Without a bound, a slow ModelArts would soon hold every thread, and /healthz, cached list pages and
static files would queue behind it: the whole dashboard would look down. So a request takes a slot before it
waits on ModelArts (its own call, or another request's single-flight call for the same job), and one that
finds them all taken does not wait at all: it raises UpstreamBusy, and its caller answers from what is stored
or asks to try again shortly.

The bound is per process, in memory: what it protects is this process's threads, which no other process
shares. The slot is released however the request ends (an answer, a ModelArts failure, a bug).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from django.conf import settings

# What Retry-After says when every slot is taken: long enough for the calls in flight to end on a ModelArts
# that answers normally, and the interval at which a live page polls anyway.
BUSY_RETRY_AFTER_SECONDS = 5


class UpstreamBusy(Exception):
    """Every slot of this process is waiting on ModelArts; this request was not sent and did not wait."""

    def __init__(self, retry_after: int):
        super().__init__(
            "ModelArts is slow to answer, and this server is already waiting on it for as many requests as it "
            f"lets wait; nothing was asked. Try again in {retry_after} seconds."
        )
        self.retry_after = retry_after  # whole seconds to wait before asking again


class _Slots:
    """A counter under a lock rather than a semaphore: the bound is read from the settings on every take, so a
    changed setting (tests override it) applies at once, and the count can be read for the tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_use = 0

    @contextmanager
    def take(self) -> Iterator[None]:
        with self._lock:
            if self.in_use >= settings.UPSTREAM_CONCURRENCY:
                raise UpstreamBusy(BUSY_RETRY_AFTER_SECONDS)
            self.in_use += 1
        try:
            yield
        finally:
            with self._lock:
                self.in_use -= 1


_slots = _Slots()


def upstream_slot() -> AbstractContextManager[None]:
    """Hold one of this process's slots for waiting on ModelArts while the block runs; raises UpstreamBusy,
    without waiting, when all UPSTREAM_CONCURRENCY slots are held."""
    return _slots.take()


def slots_in_use() -> int:
    """How many requests of this process are waiting on ModelArts now."""
    return _slots.in_use
