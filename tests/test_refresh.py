"""Refreshing cached job lists: paging, atomic replace, coalescing (the shared-cache lock),
the cron command."""

import io
import threading
from datetime import timedelta

import pytest
import responses
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from jobs import locks, refresh, tasks
from jobs.models import CachedJob, JobListRefresh
from simulator.seed import DEMO
from tests.conftest import PROJECT_A, make_job, make_simulated_credential, store_list

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
A_MINUTE_AGO = timedelta(minutes=1)  # a list fetched this long ago is fresh, and may be refreshed again


def page_of(job_ids, total):
    jobs = [{"job_id": job_id, "job_name": f"job-{job_id}", "status": 8, "duration": 1000} for job_id in job_ids]
    return {"is_success": True, "job_total_count": total, "job_count_limit": 7, "quotas": 3, "jobs": jobs}


@pytest.mark.django_db
def test_2500_jobs_over_several_pages(simulated_credential, simulator):
    simulator.set_job_count(DEMO.project_id, 2500)

    result = refresh.refresh_job_list(simulated_credential)

    assert (result.jobs, result.upstream_calls, result.error) == (2500, 3, None)
    assert simulator.calls["list"] == 3
    assert CachedJob.objects.filter(credential=simulated_credential).count() == 2500
    state = JobListRefresh.objects.get(credential=simulated_credential)
    assert (state.total, state.upstream_calls, state.page_size) == (2500, 3, 1000)
    assert state.fetched_at is not None and state.last_error == ""


@pytest.mark.django_db
@responses.activate
def test_failure_midway_keeps_the_previous_list(alice_credential):
    store_list(alice_credential, [make_job(1, job_name="previous")], timezone.now() - A_MINUTE_AGO)
    responses.get(UPSTREAM, json=page_of(range(100, 1100), total=1500))
    responses.get(UPSTREAM, status=500, json={"error_code": "ModelArts.0010", "error_msg": "internal"})

    result = refresh.refresh_job_list(alice_credential)

    assert result.error.message == "ModelArts.0010: internal"
    assert result.error.title == "ModelArts reported an internal error."
    assert result.upstream_calls == 2
    assert list(CachedJob.objects.values_list("job_name", flat=True)) == ["previous"]
    state = JobListRefresh.objects.get()
    assert state.last_error == "ModelArts.0010: internal"
    assert state.total == 1  # what the previous list said


@pytest.mark.django_db
@responses.activate
def test_success_replaces_rows_and_records_quotas(alice_credential):
    store_list(alice_credential, [make_job(1, job_name="gone")], timezone.now() - A_MINUTE_AGO)
    responses.get(UPSTREAM, json=page_of([7, 8], total=2))

    refresh.refresh_job_list(alice_credential)

    assert sorted(CachedJob.objects.values_list("job_id", flat=True)) == [7, 8]
    state = JobListRefresh.objects.get()
    assert (state.job_count_limit, state.quotas, state.last_error) == (7, 3, "")
    assert "sortBy=job_id" in responses.calls[0].request.url


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_share_one_upstream_fetch(simulated_credential, simulator):
    simulator.set_job_count(DEMO.project_id, 1500)
    simulator.latency_ms = 300  # every thread arrives while the first fetch is in flight
    start = threading.Barrier(6, timeout=10)
    results = []

    def refresh_together():
        start.wait()
        try:
            results.append(refresh.refresh_job_list(simulated_credential, force=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh_together) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert simulator.calls["list"] == 2  # one fetch: two pages of 1000
    assert sum(result.fetched for result in results) == 1
    assert sum(result.coalesced for result in results) == 5
    assert CachedJob.objects.filter(credential=simulated_credential).count() == 1500


def test_a_lock_is_released_by_its_holder_and_refused_to_others_meanwhile():
    with locks.cache_lock("a-lock", 10) as first:
        with locks.cache_lock("a-lock", 10) as second:
            assert (first, second) == (True, False)
        assert cache.get("a-lock") is not None  # the refused caller released nothing
    assert cache.get("a-lock") is None


def test_a_holder_whose_lock_went_early_leaves_the_next_holder_alone():
    with locks.cache_lock("a-lock", 10) as acquired:
        assert acquired
        cache.delete("a-lock")  # evicted moments after it was taken...
        assert cache.add("a-lock", "another holder", 10)  # ...and someone else took it
    assert cache.get("a-lock") == "another holder"


def test_statistics_are_updated_when_a_refresh_changes_a_lists_size_a_lot(
    simulated_credential, simulator, monkeypatch, settings
):
    settings.REFRESH_COOLDOWN_SECONDS = 0  # three refreshes in a row
    updates = []
    monkeypatch.setattr(refresh, "_update_planner_statistics", lambda: updates.append(1))
    simulator.set_job_count(DEMO.project_id, 1500)

    refresh.refresh_job_list(simulated_credential)  # 0 -> 1500 jobs
    refresh.refresh_job_list(simulated_credential)  # the same 1500
    simulator.set_job_count(DEMO.project_id, 400)
    refresh.refresh_job_list(simulated_credential)  # 1500 -> 400

    assert len(updates) == 2


@pytest.mark.django_db
def test_stale_check_after_taking_the_lock(alice_credential):
    store_list(alice_credential, [make_job(1)])

    result = refresh.refresh_job_list(alice_credential, force=False)

    assert result == refresh.RefreshResult()  # fresh: nothing fetched, no upstream call


@pytest.mark.django_db
def test_undecryptable_secret_is_recorded_as_the_refresh_error(alice_credential, settings):
    settings.CREDENTIAL_KEYS = ["bmV3LWtleS1ub3QtdGhlLW9sZC1vbmUtMDAwMDAwMDA="]

    result = refresh.refresh_job_list(alice_credential)

    assert "cannot be decrypted" in result.error.message
    assert result.error.title == "The stored secret cannot be read."
    assert "cannot be decrypted" in JobListRefresh.objects.get().last_error


@pytest.mark.django_db
def test_command_refreshes_each_credential_and_prints_a_line(simulator, alice, bob):
    for owner in (alice, bob):
        make_simulated_credential(owner, simulator, name=f"{owner.username} demo")
    out = io.StringIO()

    call_command("refresh_job_lists", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"alice / alice demo ({DEMO.project_id}): 60 jobs in 1 call(s)")
    assert lines[1].startswith("bob / bob demo")
    assert lines[2].startswith("Retention: deleted ")  # see test_retention.py


@pytest.mark.django_db
def test_command_filters_and_fails_loudly(simulator, alice, bob):
    make_simulated_credential(alice, simulator, secret="wrong")
    make_simulated_credential(bob, simulator)
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 refresh"):
        call_command("refresh_job_lists", "--user", "alice", "--project", DEMO.project_id.upper(), stdout=out)

    assert "FAILED after 1 call(s): APIGW.0301" in out.getvalue()
    assert "bob" not in out.getvalue()


@pytest.mark.django_db
def test_command_enqueue_queues_without_fetching(simulator, alice, bob, monkeypatch):
    """--enqueue returns at once: one line per credential, queued or already queued; no list call made here."""
    make_simulated_credential(alice, simulator, name="alice demo")
    busy = make_simulated_credential(bob, simulator, name="bob demo")
    JobListRefresh.objects.create(credential=busy, queued_at=timezone.now())
    queued = []
    monkeypatch.setattr(tasks, "refresh_list", lambda *args, **kwargs: queued.append(args))  # no consumer
    out = io.StringIO()

    call_command("refresh_job_lists", "--enqueue", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        f"alice / alice demo ({DEMO.project_id}): queued",
        f"bob / bob demo ({DEMO.project_id}): already queued or running",
    ]
    assert len(queued) == 1
    assert simulator.calls["list"] == 0
