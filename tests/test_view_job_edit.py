"""Editing a job's description: /projects/<project_id>/visualization-jobs/<job_id>/edit/ (a GET shows the form,
a POST changes it). ModelArts is mocked with responses; access rules are tests/test_job_action_access.py.
"""

import pytest
import responses

from audit.models import AuditEvent
from tests.job_actions import ACCEPTED, JOB_URL, action_url, detail_url, mock_detail, sent_body, store_job, writes

pytestmark = pytest.mark.django_db


@responses.activate
def test_the_form_holds_the_current_description(alice_client, alice_credential, operator):
    mock_detail(8, job_desc="loss & accuracy")

    response = alice_client.get(action_url("edit"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Edit the description of “resnet-tb”</h1>" in html
    assert "loss &amp; accuracy</textarea>" in html
    assert "the job itself goes on as it is" in html
    assert writes() == []


@responses.activate
def test_a_new_description_is_sent_and_shown_at_once(alice_client, alice_credential, operator):
    row = store_job(alice_credential, 8)
    responses.put(JOB_URL, json=ACCEPTED)
    mock_detail(8, job_desc="moved to the new bucket")

    response = alice_client.post(action_url("edit"), {"job_desc": "moved to the new bucket"}, follow=True)

    assert response.redirect_chain == [(detail_url(), 302)]
    (call,) = writes()
    assert (call.request.method, call.request.url) == ("PUT", JOB_URL)
    assert sent_body(call) == {"job_desc": "moved to the new bucket"}
    row.refresh_from_db()
    assert row.job_desc == "moved to the new bucket"
    html = response.content.decode()
    assert "Description of “resnet-tb” (10086) changed by alice at " in html
    assert "waiting for ModelArts" not in html  # ModelArts changes a description at once
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_EDIT)
    assert event.success and event.detail == "new description: moved to the new bucket"


@responses.activate
def test_a_description_longer_than_modelarts_allows_is_never_sent(alice_client, alice_credential, operator):
    store_job(alice_credential, 8)

    response = alice_client.post(action_url("edit"), {"job_desc": "x" * 257})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Ensure this value has at most 256 characters" in html
    assert "<h1>Edit the description of “resnet-tb”</h1>" in html  # from the cached row, without asking
    assert len(responses.calls) == 0
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.JOB_EDIT).exists()


@responses.activate
def test_an_empty_description_clears_it(alice_client, alice_credential, operator):
    responses.put(JOB_URL, json=ACCEPTED)

    alice_client.post(action_url("edit"), {"job_desc": ""})

    assert sent_body(writes()[0]) == {"job_desc": ""}
