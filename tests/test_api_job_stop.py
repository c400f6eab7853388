"""POST /api/projects/<project>/visualization-jobs/<job>/stop: the page's stop, for scripts. Answers 202 with
the job as the dashboard now has it; ModelArts' refusals come back with the failures table's status and code.
(Who may call it: tests/test_api_write_access.py.)"""

import pytest
import responses
from django.core.cache import cache

from audit.models import AuditEvent
from jobs import details
from modelarts.client import parse_job
from tests.api_writes import WRITES, TokenClient, assert_error, call, session_client
from tests.job_actions import ACCEPTED, JOB_ID, JOB_URL, job_answer, mock_detail, refusal, sent_body, store_job, writes

pytestmark = pytest.mark.django_db

STOP = WRITES["stop"]


@responses.activate
def test_a_read_write_token_stops_the_job_and_gets_it_back_stopping(alice_credential, operator):
    row = store_job(alice_credential, 8)
    cache.set(details.detail_key(alice_credential, JOB_ID), parse_job(job_answer(8)), 60)
    responses.post(f"{JOB_URL}/stop", json=ACCEPTED)

    response = call(TokenClient(operator), STOP)

    assert response.status_code == 202
    job = response.json()
    assert (job["is_success"], job["job_id"], job["job_name"]) == (True, JOB_ID, "resnet-tb")
    assert (job["status"], job["status_group"], job["service_url"]) == (9, "stopping", "")
    (sent,) = writes()
    assert (sent.request.method, sent.request.url, sent_body(sent)) == ("POST", f"{JOB_URL}/stop", {})
    assert cache.get(details.detail_key(alice_credential, JOB_ID)) is None
    row.refresh_from_db()
    assert row.status == 9
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_STOP)
    assert (event.username, event.job_id, event.success) == ("alice", JOB_ID, True)
    assert "no-store" in response["Cache-Control"]


@responses.activate
def test_a_session_with_the_csrf_token_stops_it_too(alice_credential, operator):
    store_job(alice_credential, 8)
    responses.post(f"{JOB_URL}/stop", json=ACCEPTED)

    response = call(session_client(operator, csrf=True), STOP)

    assert response.status_code == 202
    assert response.json()["status"] == 9


@responses.activate
def test_a_job_not_in_the_cached_list_is_asked_of_modelarts_after_the_stop(alice_credential, operator):
    responses.post(f"{JOB_URL}/stop", json=ACCEPTED)
    mock_detail(9)

    response = call(TokenClient(operator), STOP)

    assert response.status_code == 202
    assert response.json()["status"] == 9
    assert [call.request.method for call in responses.calls] == ["POST", "GET"]


@responses.activate
def test_an_accepted_stop_whose_job_cannot_be_read_back_is_still_a_202(alice_credential, operator, settings):
    """A failure's status would tell a script the stop failed, and have it send the stop again."""
    settings.MODELARTS_RETRIES = 0
    responses.post(f"{JOB_URL}/stop", json=ACCEPTED)
    responses.get(JOB_URL, status=500, json=refusal("Internal error.", "ModelArts.0010"))

    response = call(TokenClient(operator), STOP)

    assert response.status_code == 202
    answer = response.json()
    assert (answer["job_id"], answer["status"], answer["status_label"]) == (JOB_ID, 9, "Being canceled")
    assert answer["notice"]["code"] == "details_unavailable"
    assert "ModelArts accepted the stop" in answer["notice"]["message"]
    assert "ModelArts.0010: Internal error." in answer["notice"]["message"]
    assert answer["notice"]["retry_after"] >= 1
    assert answer["fetched_at"] == answer["notice"]["fetched_at"]  # what is known, as of the acceptance
    assert [call.request.method for call in responses.calls] == ["POST", "GET"]
    assert AuditEvent.objects.get(action=AuditEvent.Action.JOB_STOP).success


@responses.activate
def test_a_status_that_refuses_a_stop_is_a_409_not_allowed_in_status(alice_credential, operator):
    store_job(alice_credential, 12)
    responses.post(f"{JOB_URL}/stop", status=400, json=refusal("The job status does not allow stopping."))

    response = call(TokenClient(operator), STOP)

    error = assert_error(response, 409, "not_allowed_in_status")
    assert error["modelarts_code"] == "ModelArts.0105"
    assert error["message"] == "The job status does not allow stopping."
    assert "offers only what ModelArts allows" in error["advice"]
    assert not AuditEvent.objects.get(action=AuditEvent.Action.JOB_STOP).success


@responses.activate
def test_missing_iam_rights_are_a_403_naming_the_permission_to_ask_for(alice_credential, operator):
    responses.post(f"{JOB_URL}/stop", status=403, json={"error_code": "ModelArts.0108", "error_msg": "Forbidden."})

    response = call(TokenClient(operator), STOP)

    error = assert_error(response, 403, "ModelArts.0108")
    assert error["title"] == "The IAM user is not allowed to do this."
    assert "ModelArts CommonOperations" in error["advice"]


@responses.activate
def test_when_every_upstream_slot_is_taken_nothing_is_asked_and_it_is_a_503(alice_credential, operator, settings):
    store_job(alice_credential, 8)
    settings.UPSTREAM_CONCURRENCY = 0

    response = call(TokenClient(operator), STOP)

    error = assert_error(response, 503, "upstream_busy")
    assert response["Retry-After"] == str(error["retry_after"])
    assert writes() == []


@responses.activate
def test_modelarts_throttling_is_a_503_busy(alice_credential, operator):
    responses.post(f"{JOB_URL}/stop", status=429, json={"error_code": "APIGW.0308", "error_msg": "Throttled."})

    response = call(TokenClient(operator), STOP)

    assert response.status_code == 503
    assert response.json()["error"]["modelarts_code"] == "APIGW.0308"
