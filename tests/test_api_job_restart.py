"""POST /api/projects/<project>/visualization-jobs/<job>/restart: 202 with the job queued again, or ModelArts'
refusal. (Who may call it: tests/test_api_write_access.py.)"""

import pytest
import responses

from audit.models import AuditEvent
from tests.api_writes import WRITES, TokenClient, assert_error, call, session_client
from tests.job_actions import ACCEPTED, JOB_URL, refusal, sent_body, store_job, writes

pytestmark = pytest.mark.django_db

RESTART = WRITES["restart"]


@responses.activate
def test_a_stopped_job_is_restarted_and_answered_queued(alice_credential, operator):
    store_job(alice_credential, 12)
    responses.post(f"{JOB_URL}/restart", json=ACCEPTED)

    response = call(TokenClient(operator), RESTART)

    assert response.status_code == 202
    assert (response.json()["status"], response.json()["status_group"]) == (7, "queued")
    (sent,) = writes()
    assert (sent.request.url, sent_body(sent)) == (f"{JOB_URL}/restart", None)
    assert AuditEvent.objects.get(action=AuditEvent.Action.JOB_RESTART).success


@responses.activate
def test_a_session_with_the_csrf_token_restarts_it_too(alice_credential, operator):
    store_job(alice_credential, 12)
    responses.post(f"{JOB_URL}/restart", json=ACCEPTED)

    assert call(session_client(operator, csrf=True), RESTART).status_code == 202


@responses.activate
def test_a_running_job_cannot_be_restarted_409(alice_credential, operator):
    store_job(alice_credential, 8)
    responses.post(f"{JOB_URL}/restart", status=400, json=refusal("Job is running."))

    error = assert_error(call(TokenClient(operator), RESTART), 409, "not_allowed_in_status")

    assert error["modelarts_code"] == "ModelArts.0105"


@responses.activate
def test_a_used_up_quota_is_a_409_quota_exceeded(alice_credential, operator):
    store_job(alice_credential, 12)
    message = "The expected running visualization jobs exceeds the quota limit."
    responses.post(f"{JOB_URL}/restart", status=400, json=refusal(message, code="ModelArts.0116"))

    error = assert_error(call(TokenClient(operator), RESTART), 409, "quota_exceeded")

    assert (error["modelarts_code"], error["message"]) == ("ModelArts.0116", message)
    assert "raise the ModelArts quota" in error["advice"]
