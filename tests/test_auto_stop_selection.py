"""Which jobs a run of the auto-stop task picks: of every enforced policy, the cached running jobs over its
limit, not backing off, longest running first, at most AUTO_STOP_MAX_STOPS_PER_RUN; none while actions are
off or for an owner who may no longer act. Two runs never overlap (huey's task lock), and the lists of
projects with a policy are kept fresh even when nobody views them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from jobs import policies, tasks
from jobs.models import AutoStopFailure, JobListRefresh
from tests.auto_stop import running, set_policy, store_jobs
from tests.conftest import PROJECT_B, allow_operating, make_credential, make_job

pytestmark = pytest.mark.django_db


def picked() -> list[tuple[str, int]]:
    return [(c.policy.credential.project_id, c.job.job_id) for c in policies.candidates(timezone.now())]


def test_only_running_jobs_over_the_limit_are_picked(alice_credential, operator):
    store_jobs(
        alice_credential,
        running(1, 30),
        running(2, 23),  # under the limit
        running(3, 25, status=15),  # being scaled: still running
        make_job(4, status=10, duration_ms=40 * 3_600_000),  # finished
        make_job(5, status=7, duration_ms=40 * 3_600_000),  # queued
        running(6, 24.5),
    )
    set_policy(alice_credential, 24)

    assert picked() == [
        (alice_credential.project_id, 1),
        (alice_credential.project_id, 3),
        (alice_credential.project_id, 6),
    ]


def test_a_project_without_a_policy_is_left_alone(alice_credential, operator, bob):
    allow_operating(bob)
    bob_credential = make_credential(bob, project_id=PROJECT_B)
    store_jobs(alice_credential, running(1, 100))
    store_jobs(bob_credential, running(2, 100))
    set_policy(bob_credential, 1)

    assert picked() == [(PROJECT_B, 2)]


def test_nothing_is_picked_while_actions_are_off(alice_credential, operator, settings):
    settings.JOB_ACTIONS_ENABLED = False
    store_jobs(alice_credential, running(1, 100))
    set_policy(alice_credential, 1)

    assert picked() == []


def test_an_owner_without_the_permission_has_no_policy_enforced(alice_credential, alice):
    store_jobs(alice_credential, running(1, 100))
    set_policy(alice_credential, 1)

    assert picked() == []


def test_an_inactive_owner_has_no_policy_enforced(alice_credential, operator):
    operator.is_active = False
    operator.save()
    store_jobs(alice_credential, running(1, 100))
    set_policy(alice_credential, 1)

    assert picked() == []


def test_a_run_stops_at_most_the_bound_longest_running_first(alice_credential, operator, settings):
    settings.AUTO_STOP_MAX_STOPS_PER_RUN = 2
    store_jobs(alice_credential, running(1, 30), running(2, 50), running(3, 40))
    set_policy(alice_credential, 24)

    assert [job_id for _, job_id in picked()] == [2, 3]


def test_a_job_backing_off_after_a_failure_waits(alice_credential, operator):
    store_jobs(alice_credential, running(1, 30), running(2, 30))
    policy = set_policy(alice_credential, 24)
    now = timezone.now()
    AutoStopFailure.objects.create(
        policy=policy, job_id=1, consecutive_failures=1, failing_since=now, last_error_at=now
    )
    earlier = now - timedelta(hours=2)
    AutoStopFailure.objects.create(
        policy=policy, job_id=2, consecutive_failures=1, failing_since=earlier, last_error_at=earlier
    )

    assert [job_id for _, job_id in picked()] == [2]


def test_a_failure_of_a_job_no_longer_over_the_limit_is_dropped(alice_credential, operator):
    store_jobs(alice_credential, make_job(1, status=10))
    policy = set_policy(alice_credential, 24)
    now = timezone.now()
    AutoStopFailure.objects.create(
        policy=policy, job_id=1, consecutive_failures=3, failing_since=now, last_error_at=now
    )

    assert picked() == []
    assert not AutoStopFailure.objects.exists()


def test_the_back_off_doubles_up_to_its_cap(alice_credential, settings):
    settings.AUTO_STOP_RETRY_SECONDS, settings.AUTO_STOP_BACKOFF_MAX_SECONDS = 300, 3600
    now = timezone.now()
    failure = AutoStopFailure(consecutive_failures=1, failing_since=now, last_error_at=now)

    waits = []
    for count in (1, 2, 3, 4, 5, 40):
        failure.consecutive_failures = count
        waits.append((failure.next_try - now).total_seconds())

    assert waits == [300, 600, 1200, 2400, 3600, 3600]


def test_two_runs_never_overlap(alice_credential, operator, monkeypatch):
    ran = []
    monkeypatch.setattr(policies, "enforce", lambda: ran.append(1))

    with HUEY.lock_task("enforce-auto-stop"), pytest.raises(TaskLockedException):
        tasks.enforce_auto_stop.call_local()
    tasks.enforce_auto_stop.call_local()

    assert ran == [1]


def test_a_project_with_a_policy_is_kept_fresh_though_nobody_views_it(alice_credential):
    store_jobs(alice_credential, running(1, 1), fetched_ago=timedelta(hours=1))
    JobListRefresh.objects.filter(credential=alice_credential).update(
        last_viewed_at=timezone.now() - timedelta(days=30)
    )
    assert tasks.lists_to_keep_fresh(timezone.now()) == []

    set_policy(alice_credential, 24)

    assert [state.credential for state in tasks.lists_to_keep_fresh(timezone.now())] == [alice_credential]
