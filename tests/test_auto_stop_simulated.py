"""The auto-stop policy end to end against the simulator, over real HTTP: the list fetched, the policy's run
stops the job over the limit and leaves the others, the simulator cancels it, and a job whose run started
again since the list was fetched is left running."""

import pytest
from django.core.cache import cache

from audit.models import AuditEvent
from jobs import policies, refresh
from jobs.models import AutoStopPolicy
from simulator.seed import DEMO
from tests.job_actions import detail_url

pytestmark = pytest.mark.django_db

HOUR_MS = 3_600_000
FORGOTTEN, RECENT = 880001, 880002


@pytest.fixture
def policy(simulated_credential, operator, simulator, settings):
    settings.DETAIL_CACHE_SECONDS = settings.DETAIL_CACHE_TERMINAL_SECONDS = 0
    simulator.set_job(DEMO.project_id, FORGOTTEN, job_name="forgotten", status=8, duration=100 * HOUR_MS)
    simulator.set_job(DEMO.project_id, RECENT, job_name="recent", status=8, duration=2 * HOUR_MS)
    assert refresh.refresh_job_list(simulated_credential).error is None
    return AutoStopPolicy.objects.create(
        credential=simulated_credential, hours=72
    )  # longer than any seeded job runs (2 days at most)


def test_the_policy_stops_the_forgotten_job_and_the_simulator_cancels_it(alice_client, policy, simulator):
    run = policies.enforce()

    assert run.stopped == [FORGOTTEN] and run.failed == []
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_STOP)
    assert (event.origin, event.job_hours, event.success) == ("policy", 100, True)
    simulator.clock_offset_seconds += simulator.pace_seconds + 1
    cache.clear()
    html = alice_client.get(detail_url(DEMO.project_id, FORGOTTEN)).content.decode()
    assert "Canceled" in html
    assert "stopped by the project's policy after 100 h" in html
    assert "Running" in alice_client.get(detail_url(DEMO.project_id, RECENT)).content.decode()


def test_a_job_whose_run_started_again_since_the_list_was_fetched_keeps_running(policy, simulator):
    simulator.set_job(DEMO.project_id, FORGOTTEN, duration=HOUR_MS // 2)

    run = policies.enforce()

    assert run.skipped == [FORGOTTEN] and run.stopped == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.JOB_STOP).exists()
