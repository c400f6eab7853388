"""PATCH /api/projects/<project>/visualization-jobs/<job> with {"job_desc": ...}: the description changes, the
answer (200) is the changed job; a body the schema refuses is a 400 naming the field, and nothing is sent.
(Who may call it: tests/test_api_write_access.py.)"""

import pytest
import requests
import responses

from audit.models import AuditEvent
from tests.api_writes import JOB_URL as JOB_URL_API
from tests.api_writes import WRITES, TokenClient, assert_error, call, session_client
from tests.job_actions import ACCEPTED, JOB_URL, refusal, sent_body, store_job, writes

pytestmark = pytest.mark.django_db

EDIT = WRITES["edit"]


@responses.activate
def test_the_description_changes_and_the_job_is_answered(alice_credential, operator):
    row = store_job(alice_credential, 8)
    responses.put(JOB_URL, json=ACCEPTED)

    response = call(TokenClient(operator), EDIT, job_desc="lr 0.1 ✓")

    assert response.status_code == 200
    assert response.json()["job_desc"] == "lr 0.1 ✓"
    assert response.json()["status"] == 8  # the job goes on as it is
    (sent,) = writes()
    assert (sent.request.method, sent_body(sent)) == ("PUT", {"job_desc": "lr 0.1 ✓"})
    row.refresh_from_db()
    assert row.job_desc == "lr 0.1 ✓"
    assert "lr 0.1" in AuditEvent.objects.get(action=AuditEvent.Action.JOB_EDIT).detail


@responses.activate
def test_a_changed_description_whose_job_cannot_be_read_back_is_still_a_200(alice_credential, operator, settings):
    """Not in the cached list, and ModelArts times out on the read after accepting: the change is answered."""
    settings.MODELARTS_RETRIES = 0
    responses.put(JOB_URL, json=ACCEPTED)
    responses.get(JOB_URL, body=requests.exceptions.ReadTimeout("read timed out"))

    response = call(TokenClient(operator), EDIT, job_desc="lr 0.1")

    assert response.status_code == 200
    answer = response.json()
    assert (answer["job_desc"], answer["status"], answer["notice"]["code"]) == ("lr 0.1", 0, "details_unavailable")
    assert "ModelArts accepted the edit" in answer["notice"]["message"]
    assert len(writes()) == 1


@responses.activate
def test_an_empty_description_is_allowed_and_a_session_may_set_it(alice_credential, operator):
    store_job(alice_credential, 8)
    responses.put(JOB_URL, json=ACCEPTED)

    response = call(session_client(operator, csrf=True), EDIT, job_desc="")

    assert response.status_code == 200
    assert response.json()["job_desc"] == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"job_desc": "x" * 257}, "job_desc"),
        ({"job_desc": 5}, "job_desc"),
        ({}, "job_desc"),
        ({"job_desc": "ok", "job_name": "renamed"}, "job_name"),
    ],
)
@responses.activate
def test_a_body_the_schema_refuses_is_a_400_naming_the_field(alice_credential, operator, body, field):
    response = TokenClient(operator).patch(JOB_URL_API, body, content_type="application/json")

    error = assert_error(response, 400, "invalid_body")
    assert list(error["fields"]) == [field]
    assert error["message"].startswith(f"Invalid request body: {field}: ")
    assert error["fields"][field][0]["message"] and error["fields"][field][0]["code"]
    assert writes() == []


@responses.activate
def test_a_refusal_is_explained(alice_credential, operator):
    responses.put(JOB_URL, status=400, json=refusal("Bad description.", code="ModelArts.0104"))

    error = assert_error(call(TokenClient(operator), EDIT), 502, "ModelArts.0104")

    assert error["message"] == "Bad description."
