"""Deleting a job: /projects/<project_id>/visualization-jobs/<job_id>/delete/ (a GET confirms, a POST deletes).

ModelArts is mocked with responses; access rules are tests/test_job_action_access.py.
"""

import pytest
import responses

from audit.models import AuditEvent
from jobs.models import CachedJob
from tests.job_actions import ACCEPTED, JOB_URL, action_url, detail_url, mock_detail, refusal, store_job, writes

pytestmark = pytest.mark.django_db


@responses.activate
def test_confirmation_says_it_cannot_be_undone(alice_client, alice_credential, operator):
    mock_detail(8)

    response = alice_client.get(action_url("delete"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Delete “resnet-tb”?</h1>" in html
    assert "This cannot be undone." in html
    assert 'class="danger"' in html


@responses.activate
def test_no_confirmation_while_the_job_is_being_canceled(alice_client, alice_credential, operator):
    mock_detail(9)

    assert alice_client.get(action_url("delete")).status_code == 409


@responses.activate
def test_delete_lands_on_the_project_list_with_a_message(alice_client, alice_credential, operator):
    store_job(alice_credential, 13)
    responses.delete(JOB_URL, json=ACCEPTED)

    response = alice_client.post(action_url("delete"), follow=True)

    project_url = f"/projects/{alice_credential.project_id}/visualization-jobs/"
    assert response.redirect_chain == [(project_url, 302)]
    (call,) = writes()
    assert (call.request.method, call.request.url, call.request.body) == ("DELETE", JOB_URL, None)
    assert not CachedJob.objects.exists()  # gone from the list at once
    html = response.content.decode()
    assert "Deletion of “resnet-tb” (10086) requested by alice at " in html
    assert AuditEvent.objects.get(action=AuditEvent.Action.JOB_DELETE).success


@responses.activate
def test_delete_while_being_canceled_is_refused_and_explained_on_the_job_page(alice_client, alice_credential, operator):
    store_job(alice_credential, 9)
    responses.delete(JOB_URL, json=refusal("This job can't be delete. job status: 9"), status=400)
    mock_detail(9)

    response = alice_client.post(action_url("delete"), follow=True)

    assert response.redirect_chain == [(detail_url(), 302)]
    html = response.content.decode()
    assert "ModelArts.0105: This job can&#x27;t be delete. job status: 9" in html
    assert CachedJob.objects.exists()
    assert not AuditEvent.objects.get(action=AuditEvent.Action.JOB_DELETE).success
