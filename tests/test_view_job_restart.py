"""Restarting a job: /projects/<project_id>/visualization-jobs/<job_id>/restart/ (a GET confirms, a POST restarts).

ModelArts is mocked with responses; access rules are tests/test_job_action_access.py.
"""

import pytest
import responses

from audit.models import AuditEvent
from tests.job_actions import (
    ACCEPTED,
    JOB_URL,
    action_url,
    detail_url,
    mock_detail,
    refusal,
    sent_body,
    store_job,
    writes,
)

pytestmark = pytest.mark.django_db


@responses.activate
def test_confirmation_names_the_job_and_says_it_is_billed_again(alice_client, alice_credential, operator):
    mock_detail(13)

    response = alice_client.get(action_url("restart"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Restart “resnet-tb”?</h1>" in html
    assert "billed again while it runs" in html
    assert writes() == []


@responses.activate
def test_no_confirmation_for_a_running_job(alice_client, alice_credential, operator):
    mock_detail(8)

    response = alice_client.get(action_url("restart"))

    assert response.status_code == 409
    assert "csrfmiddlewaretoken" not in response.content.decode().split("<main", 1)[1]


@responses.activate
def test_restart_asks_modelarts_and_the_row_shows_the_job_queued(alice_client, alice_credential, operator):
    row = store_job(alice_credential, 13)
    responses.post(f"{JOB_URL}/restart", json=ACCEPTED)
    mock_detail(13)  # ModelArts has not acted yet

    response = alice_client.post(action_url("restart"))

    assert response["Location"] == detail_url()
    (call,) = writes()
    assert (call.request.method, call.request.url, sent_body(call)) == ("POST", f"{JOB_URL}/restart", None)
    row.refresh_from_db()
    assert (row.status, row.status_group) == (7, "queued")  # until ModelArts says more
    html = alice_client.get(detail_url()).content.decode()
    assert "Restart of “resnet-tb” (10086) requested by alice at " in html
    # Canceled is final, but the page follows the job while ModelArts has not shown the restart.
    assert "Restart: waiting for ModelArts to show the change." in html
    assert 'data-live-interval="5"' in html
    assert AuditEvent.objects.get(action=AuditEvent.Action.JOB_RESTART).success


@responses.activate
def test_restart_of_a_running_job_is_refused_and_explained(alice_client, alice_credential, operator):
    responses.post(f"{JOB_URL}/restart", json=refusal("This job can't be resubmit. job status: 8"), status=400)
    mock_detail(8)

    response = alice_client.post(action_url("restart"), follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Not done: The job&#x27;s current status does not allow this operation." in html
    assert "ModelArts.0105: This job can&#x27;t be resubmit. job status: 8" in html
    assert "waiting for ModelArts" not in html
