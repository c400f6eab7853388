"""Page views queue list refreshes (jobs.tasks) instead of fetching lists: one per credential at a time."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs import refresh, tasks
from jobs.models import JobListRefresh
from tests.conftest import make_credential


def test_a_queued_refresh_is_not_queued_twice(simulated_credential, simulator):
    JobListRefresh.objects.create(credential=simulated_credential, queued_at=timezone.now())

    assert tasks.enqueue_refresh(simulated_credential) is False
    assert simulator.calls["list"] == 0


def test_a_lost_claim_expires(simulated_credential, simulator, settings):
    lost = timezone.now() - timedelta(seconds=settings.LIST_REFRESH_QUEUED_SECONDS + 1)
    JobListRefresh.objects.create(credential=simulated_credential, queued_at=lost)

    assert tasks.enqueue_refresh(simulated_credential) is True
    assert simulator.calls["list"] == 1
    assert refresh.list_state(simulated_credential).queued_at is None  # the task released its claim


def test_a_page_view_makes_no_list_call(alice_client, simulated_credential, simulator, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks, "refresh_list", lambda *args, **kwargs: queued.append(args))  # no consumer

    response = alice_client.get(f"/projects/{simulated_credential.project_id}/visualization-jobs/")

    assert response.status_code == 200
    assert simulator.calls["list"] == 0
    assert len(queued) == 1
    assert refresh.list_state(simulated_credential).activity == "queued"


def test_progress_counts_the_pages_fetched(simulated_credential, simulator):
    simulator.set_job_count(simulated_credential.project_id, 2500)

    refresh.refresh_job_list(simulated_credential)

    state = refresh.list_state(simulated_credential)
    assert (state.pages_fetched, state.pages_expected) == (3, 3)
    assert state.activity == "idle"


def _first_overview_queries(user, client, stale_lists: int) -> int:
    for number in range(stale_lists):
        make_credential(user, project_id=f"{number:032x}", name=f"project {number}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert all(refresh.list_state(credential).activity == "queued" for credential in user.credentials.all())
    return len(queries)


def test_queuing_the_stale_lists_of_a_page_costs_the_same_queries_however_many(
    alice, alice_client, bob, bob_client, monkeypatch
):
    """The overview of a user with many never-fetched projects claims their refreshes together, rather than
    spending a few queries on each (home_20_stale_over_fresh_ratio in docs/performance.md)."""
    queued = []
    monkeypatch.setattr(tasks, "refresh_list", lambda *args, **kwargs: queued.append(args))  # no consumer

    two = _first_overview_queries(alice, alice_client, 2)
    twelve = _first_overview_queries(bob, bob_client, 12)

    assert len(queued) == 14
    assert twelve == two
