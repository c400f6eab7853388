"""Stopping several jobs: the project page's checkboxes and "Stop all long-running jobs" lead to
/projects/<project_id>/visualization-jobs/stop/, whose GET confirms, listing the jobs, and whose POST stops
each (actions.perform) and says on the list page which were stopped and which refused.

ModelArts is mocked with responses.
"""

import pytest
import responses
from django.test import Client

from audit.models import AuditEvent
from jobs.models import CachedJob
from jobs.views import MAX_BULK_STOP
from tests.conftest import PROJECT_A, PROJECT_B, allow_operating, make_credential, make_job, store_list
from tests.job_actions import ACCEPTED, UPSTREAM, refusal, writes

pytestmark = pytest.mark.django_db

LIST_URL = f"/projects/{PROJECT_A}/visualization-jobs/"
STOP_URL = f"{LIST_URL}stop/"
HOUR_MS = 3_600_000


@pytest.fixture
def jobs(alice_credential, settings):
    """Running for 30 hours (1, long-running), running for 1 hour (2), queued (3), completed (4)."""
    settings.LONG_RUNNING_HOURS = 24
    store_list(
        alice_credential,
        [
            make_job(1, job_name="long-one", status=8, duration_ms=30 * HOUR_MS),
            make_job(2, job_name="short-one", status=8, duration_ms=HOUR_MS),
            make_job(3, job_name="queued-one", status=7, duration_ms=0),
            make_job(4, job_name="done-one", status=10),
        ],
    )


def test_only_stoppable_jobs_get_a_checkbox(alice_client, jobs, operator):
    html = alice_client.get(LIST_URL).content.decode()

    boxes = [f'name="job" value="{job_id}" form="bulk-stop"' for job_id in (1, 2, 3, 4)]
    assert [box in html for box in boxes] == [True, True, True, False]
    assert f'<form id="bulk-stop" method="get" action="{STOP_URL}"' in html
    assert f'href="{STOP_URL}?long_running=1"' in html


def test_without_the_permission_no_checkboxes(alice_client, jobs):
    html = alice_client.get(LIST_URL).content.decode()

    assert 'form="bulk-stop"' not in html and STOP_URL not in html


def test_the_confirmation_lists_the_chosen_stoppable_jobs(alice_client, jobs, operator):
    response = alice_client.get(STOP_URL, {"job": ["1", "3", "4", "999", "x"]})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Stop these jobs?</h1>" in html
    assert 'name="job" value="1"' in html and 'name="job" value="3"' in html
    assert "done-one" not in html and 'value="999"' not in html  # finished, or not the project's
    assert "Stop 2 jobs" in html
    assert writes() == []  # a GET only asks


def test_the_confirmation_speaks_of_one_job_or_several(alice_client, jobs, operator):
    one = alice_client.get(STOP_URL, {"job": "1"}).content.decode()
    two = alice_client.get(STOP_URL, {"job": ["1", "3"]}).content.decode()

    assert "ModelArts stops this job and its TensorBoard, and billing for it ends." in one
    assert "ModelArts stops the jobs and their TensorBoards, and billing for them ends." in two


def test_stop_all_long_running_lists_them(alice_client, jobs, operator):
    html = alice_client.get(STOP_URL, {"long_running": "1"}).content.decode()

    assert "<h1>Stop all long-running jobs?</h1>" in html
    assert "long-one" in html and "short-one" not in html and "queued-one" not in html


def test_a_word_that_is_not_yes_does_not_ask_for_the_long_running_jobs(alice_client, jobs, operator):
    response = alice_client.get(STOP_URL, {"long_running": "maybe"})

    assert response.status_code == 400  # nothing chosen: the confirmation lists no job
    assert "long-one" not in response.content.decode()


def test_nothing_stoppable_chosen_says_so(alice_client, jobs, operator):
    response = alice_client.get(STOP_URL, {"job": "4"})

    assert response.status_code == 400
    assert "None of the chosen jobs can be stopped" in response.content.decode()


@responses.activate
def test_each_job_is_stopped_and_the_summary_says_which(alice_client, alice_credential, jobs, operator):
    responses.post(f"{UPSTREAM}/1/stop", json=ACCEPTED)
    responses.post(f"{UPSTREAM}/3/stop", json=refusal("This job can't be stop. job status: 9"), status=400)

    response = alice_client.post(STOP_URL, {"job": ["1", "3", "4"]}, follow=True)

    assert response.redirect_chain[-1][0] == LIST_URL
    html = response.content.decode().replace("&#x27;", "'")
    assert "Stop requested for 1 job: “long-one” (1)." in html
    assert "“queued-one” (3) was not stopped: The job's current status does not allow this operation." in html
    assert "ModelArts.0105" in html
    assert sorted(call.request.url for call in writes()) == [f"{UPSTREAM}/1/stop", f"{UPSTREAM}/3/stop"]  # not 4
    assert CachedJob.objects.get(job_id=1).status == 9
    assert CachedJob.objects.get(job_id=3).status == 7
    events = AuditEvent.objects.filter(action=AuditEvent.Action.JOB_STOP)
    assert sorted((event.job_id, event.success) for event in events) == [(1, True), (3, False)]


@responses.activate
def test_at_most_the_limit_is_stopped_per_request(alice_client, alice_credential, operator):
    store_list(alice_credential, [make_job(job_id, status=8) for job_id in range(1, MAX_BULK_STOP + 11)])
    for job_id in range(1, MAX_BULK_STOP + 11):
        responses.post(f"{UPSTREAM}/{job_id}/stop", json=ACCEPTED)

    html = alice_client.get(STOP_URL, {"long_running": "1"}).content.decode()
    chosen = [str(job_id) for job_id in range(1, MAX_BULK_STOP + 11)]
    confirmation = alice_client.get(STOP_URL, {"job": chosen}).content.decode()
    alice_client.post(STOP_URL, {"job": chosen})

    assert "No job of the project's list has been running for long." in html.replace("&#x27;", "'")
    assert f"only {MAX_BULK_STOP} are stopped at a time" in confirmation
    assert len(writes()) == MAX_BULK_STOP


@responses.activate
def test_another_users_project_is_not_found(bob, bob_client, jobs):
    allow_operating(bob)
    make_credential(bob, project_id=PROJECT_B)

    assert bob_client.get(STOP_URL, {"job": "1"}).status_code == 404
    assert bob_client.post(STOP_URL, {"job": "1"}).status_code == 404
    assert len(responses.calls) == 0


@responses.activate
def test_without_the_permission_or_with_actions_off_a_403(alice_client, jobs, settings):
    assert alice_client.get(STOP_URL, {"job": "1"}).status_code == 403
    assert alice_client.post(STOP_URL, {"job": "1"}).status_code == 403
    settings.JOB_ACTIONS_ENABLED = False
    assert alice_client.post(STOP_URL, {"job": "1"}).status_code == 403
    assert len(responses.calls) == 0


@responses.activate
def test_a_post_without_the_csrf_token_is_refused(alice, jobs, operator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(STOP_URL, {"job": "1"}).status_code == 403
    assert len(responses.calls) == 0
