"""Page views queue list refreshes (jobs.tasks) instead of fetching lists: one per credential at a time."""

from datetime import timedelta

from django.utils import timezone

from jobs import refresh, tasks
from jobs.models import JobListRefresh


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
