"""A run of the auto-stop task: each job over its policy's limit is checked again with a detail call, then
stopped with the owner's credential through the shared action core, audited as the policy's on the owner's
behalf with how long the job had run. Failures are recorded per job and retried after their back-off.

ModelArts is mocked with responses; tests/test_auto_stop_simulated.py runs against the simulator."""

from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone

from audit.models import AuditEvent
from jobs import policies
from jobs.models import AutoStopFailure, CachedJob
from tests.auto_stop import UPSTREAM, mock_job, mock_stop, running, set_policy, stops, store_jobs
from tests.conftest import make_credential

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(alice_credential, operator):
    """Alice's 24-hour policy on her project, where job 1 has run 30 hours."""
    store_jobs(alice_credential, running(1, 30))
    return set_policy(alice_credential, 24)


@responses.activate
def test_a_job_over_the_limit_is_stopped_with_the_owners_credential(policy, bob):
    make_credential(bob, access_key="AKBOB00000000000000")  # bob's credential for the same project is not used
    mock_job(1, 30.2)
    mock_stop(1)

    run = policies.enforce()

    assert run.stopped == [1]
    assert stops() == [f"{UPSTREAM}/1/stop"]
    stop = next(call for call in responses.calls if call.request.url.endswith("/stop"))
    assert "Access=AKALICE0000000000000" in stop.request.headers["Authorization"]
    assert CachedJob.objects.get(job_id=1).status == 9  # being canceled, at once


@responses.activate
def test_the_stop_is_audited_as_the_policys_on_the_owners_behalf(policy, alice):
    mock_job(1, 30.2)
    mock_stop(1)

    policies.enforce()

    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_STOP)
    assert (event.actor, event.username, event.origin, event.job_hours) == (alice, "alice", "policy", 30)
    assert (event.project_id, event.job_id, event.success) == (policy.credential.project_id, 1, True)
    assert event.detail == "auto-stop policy after 30 h"
    assert event.client_address is None


@responses.activate
def test_a_job_restarted_since_the_list_was_fetched_is_not_stopped(policy):
    mock_job(1, 0.5)  # the cached row says 30 h, ModelArts now says half an hour

    run = policies.enforce()

    assert run.skipped == [1] and stops() == []
    assert CachedJob.objects.get(job_id=1).duration_ms == 1_800_000  # the row is brought up to date
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.JOB_STOP).exists()


@responses.activate
def test_a_job_finished_since_the_list_was_fetched_is_not_stopped(policy):
    mock_job(1, 30.2, status=10)

    assert policies.enforce().skipped == [1]
    assert stops() == []


@responses.activate
def test_a_refused_stop_is_recorded_and_retried_after_its_back_off(policy, settings):
    settings.AUTO_STOP_RETRY_SECONDS = 300
    mock_job(1, 30.2)
    mock_stop(1, status=400, json={"is_success": False, "error_code": "ModelArts.0105", "error_message": "busy job"})

    assert policies.enforce().failed == [1]
    failure = AutoStopFailure.objects.get(policy=policy, job_id=1)
    assert (failure.consecutive_failures, failure.last_error_code) == (1, "ModelArts.0105")
    assert failure.job_name == "job-1" and "busy job" in failure.last_error
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_STOP)
    assert not event.success and event.origin == "policy"
    assert event.detail == "auto-stop policy after 30 h: ModelArts.0105: busy job"

    assert policies.enforce().failed == []  # backing off: not asked again
    assert len(stops()) == 1

    AutoStopFailure.objects.update(last_error_at=timezone.now() - timedelta(seconds=301))
    assert policies.enforce().failed == [1]
    assert AutoStopFailure.objects.get().consecutive_failures == 2
    assert len(stops()) == 2


@responses.activate
def test_a_stop_that_succeeds_after_failures_clears_them(policy):
    earlier = timezone.now() - timedelta(hours=2)
    AutoStopFailure.objects.create(
        policy=policy, job_id=1, consecutive_failures=4, failing_since=earlier, last_error_at=earlier
    )
    mock_job(1, 30.2)
    mock_stop(1)

    assert policies.enforce().stopped == [1]
    assert not AutoStopFailure.objects.exists()


@responses.activate
def test_a_timeout_checking_the_job_is_recorded_and_nothing_is_stopped(policy):
    responses.get(f"{UPSTREAM}/1", body=requests.ReadTimeout("slow"))

    assert policies.enforce().failed == [1]
    failure = AutoStopFailure.objects.get()
    assert failure.last_error_kind == "UpstreamTimeout"
    assert stops() == []


@responses.activate
def test_a_credential_that_cannot_be_used_is_recorded(policy):
    type(policy.credential).objects.filter(pk=policy.credential_id).update(secret_ciphertext="not-a-token")

    assert policies.enforce().failed == [1]
    assert AutoStopFailure.objects.get().last_error_kind.startswith("Secret")
    assert len(responses.calls) == 0
