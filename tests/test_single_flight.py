"""One upstream call for a job's details however many viewers ask at once (jobs/details.py). The threaded and
multi-process cases are tests/test_integration.py and tests/test_multiprocess.py; these are the races between
a viewer's miss and its taking the lock."""

from django.core.cache import cache

from jobs.details import _fetch_once

KEY = "job-detail:test:42"


def never_called():
    raise AssertionError("asked ModelArts again for details another viewer had just stored")


def test_a_result_stored_between_the_miss_and_the_lock_is_taken_not_fetched_again():
    cache.set(KEY, "stored by the viewer who held the lock just before", 60)

    assert _fetch_once(KEY, never_called, lambda outcome: 60, wait_seconds=1) == (
        "stored by the viewer who held the lock just before"
    )


def test_the_lock_holder_fetches_and_stores_when_nothing_is_there():
    calls = []

    def fetch():
        calls.append(1)
        return "fresh"

    assert _fetch_once(KEY, fetch, lambda outcome: 60, wait_seconds=1) == "fresh"
    assert calls == [1]
    assert cache.get(KEY) == "fresh"
    assert cache.get(f"{KEY}:lock") is None  # let go for the next viewer
