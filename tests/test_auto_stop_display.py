"""What the auto-stop policies show outside their own page: the job's page says the project's policy stopped
it after N h on the owner's behalf (from the audit event), the overview lists the policies with what they
fail to stop and their latest stops, and the project's page says whether it has one and links to it."""

from html import unescape

import pytest
import responses
from django.utils import timezone

from jobs import policies
from jobs.models import AutoStopFailure
from tests.auto_stop import mock_job, mock_stop, running, set_policy, store_jobs
from tests.conftest import PROJECT_A, make_job
from tests.job_actions import detail_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def stopped_by_policy(alice_credential, operator):
    """Job 10086 run 26 hours, stopped by alice's 24-hour policy."""
    store_jobs(alice_credential, running(10086, 26, job_name="resnet-tb"))
    set_policy(alice_credential, 24)
    responses.start()
    try:
        mock_job(10086, 26.3)
        mock_stop(10086)
        assert policies.enforce().stopped == [10086]
    finally:
        responses.stop()
        responses.reset()
    return alice_credential


def test_the_job_page_says_the_policy_stopped_it(alice_client, stopped_by_policy, service_jobs):
    service_jobs.add(make_job(10086, job_name="resnet-tb", status=9))

    html = alice_client.get(detail_url()).content.decode()

    section = unescape(html.split('id="recent-actions-heading"', 1)[1].split("</section>", 1)[0])
    assert "the project's policy, on behalf of alice · Stop" in section
    assert "stopped by the project's policy after 26 h" in section
    assert "accepted by ModelArts" not in section


def test_the_overview_lists_the_policys_latest_stops(alice_client, stopped_by_policy):
    html = alice_client.get("/").content.decode()

    section = html.split('id="auto-stop-heading"', 1)[1].split("</section>", 1)[0]
    assert "jobs running longer than 24 h are stopped" in section
    assert f'href="/projects/{PROJECT_A}/auto-stop/"' in section
    assert f'href="/projects/{PROJECT_A}/visualization-jobs/10086/">Job 10086</a>' in section
    assert "stopped by the project's policy after 26 h" in section
    assert "failing" not in section and "not enforced" not in section


def test_the_overview_shows_a_policys_failures(alice_client, alice_credential, operator):
    policy = set_policy(alice_credential, 24)
    now = timezone.now()
    for job_id in (1, 2):
        AutoStopFailure.objects.create(
            policy=policy, job_id=job_id, consecutive_failures=1, failing_since=now, last_error_at=now
        )

    html = alice_client.get("/").content.decode()

    assert "failing to stop 2 jobs, tried again later" in html


def test_the_overview_says_when_a_policy_is_not_enforced(alice_client, alice_credential):
    set_policy(alice_credential, 24)  # alice may not act on jobs

    html = alice_client.get("/").content.decode()

    assert "not enforced: actions on jobs are off here, or you may no longer act on jobs" in html


def test_the_overview_has_no_policy_section_without_policies(alice_client, alice_credential, operator):
    assert 'id="auto-stop-heading"' not in alice_client.get("/").content.decode()


def test_the_project_page_says_the_policy_and_links_to_it(alice_client, alice_credential, operator):
    store_jobs(alice_credential, running(1, 1))
    set_policy(alice_credential, 12)

    html = alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/").content.decode()

    assert "Auto-stop: visualization jobs running longer than 12 h are stopped." in html
    assert f'<a href="/projects/{PROJECT_A}/auto-stop/">Auto-stop policy</a>' in html


def test_the_project_page_has_no_link_while_actions_are_off(alice_client, alice_credential, settings):
    settings.JOB_ACTIONS_ENABLED = False
    store_jobs(alice_credential, running(1, 1))

    html = alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/").content.decode()

    assert "Auto-stop: no policy." in html
    assert "/auto-stop/" not in html
