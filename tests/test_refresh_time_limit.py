"""A list refresh has a time limit (LIST_REFRESH_TIME_LIMIT, below the lock's LIST_REFRESH_LOCK_SECONDS): one
still paging after it stops between pages and records a failure that says why and what to do, keeping the
previous list, so that no refresh outlives its lock and is joined by a second."""

from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from jobs import refresh
from jobs.failures import FAILURES, RefreshTimeLimitExceeded
from tests.conftest import make_job, store_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_list(simulated_credential, simulator, settings):
    """A stale list of three pages, refreshed with no time to spare: the limit is over after the first page."""
    simulator.set_job_count(simulated_credential.project_id, 2500)
    store_list(simulated_credential, [make_job(1, job_name="kept")], fetched_at=timezone.now() - timedelta(hours=1))
    settings.LIST_REFRESH_TIME_LIMIT = 0
    return simulated_credential


def test_a_refresh_over_its_time_limit_stops_paging_and_keeps_the_list(long_list, simulator):
    result = refresh.refresh_job_list(long_list)

    assert result.error is not None and result.error.kind == "RefreshTimeLimitExceeded"
    assert simulator.calls["list"] == 1
    state = refresh.list_state(long_list)
    assert state.last_error == "Stopped after 1 of 3 pages: a refresh may take 0 s (LIST_REFRESH_TIME_LIMIT)."
    assert (state.pages_fetched, state.pages_expected) == (1, 3)
    assert list(long_list.cached_jobs.values_list("job_name", flat=True)) == ["kept"]
    assert state.consecutive_failures == 1  # it counts towards the back-off like any failure


def test_the_page_explains_the_time_limit(alice_client, long_list):
    text = unescape(alice_client.get(f"/projects/{long_list.project_id}/visualization-jobs/").content.decode())

    failure = FAILURES[RefreshTimeLimitExceeded]
    assert failure.title in text
    assert failure.advice in text
    assert "Stopped after 1 of 3 pages" in text


def test_a_refresh_within_its_time_limit_fetches_every_page(long_list, simulator, settings):
    settings.LIST_REFRESH_TIME_LIMIT = 100

    result = refresh.refresh_job_list(long_list)

    assert result.error is None and result.jobs == 2500
    assert simulator.calls["list"] == 3
