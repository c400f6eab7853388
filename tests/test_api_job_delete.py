"""DELETE /api/projects/<project>/visualization-jobs/<job>: 202 without a body, the job gone from the cached
list at once; or ModelArts' refusal. (Who may call it: tests/test_api_write_access.py.)"""

import pytest
import responses

from audit.models import AuditEvent
from jobs.models import CachedJob
from tests.api_writes import WRITES, TokenClient, assert_error, call, session_client
from tests.job_actions import ACCEPTED, JOB_URL, store_job, writes

pytestmark = pytest.mark.django_db

DELETE = WRITES["delete"]


@responses.activate
def test_the_job_is_deleted_with_a_202_and_leaves_the_list(alice_credential, operator):
    store_job(alice_credential, 12)
    responses.delete(JOB_URL, json=ACCEPTED)

    response = call(TokenClient(operator), DELETE)

    assert response.status_code == 202
    assert response.content == b""
    assert [call.request.method for call in writes()] == ["DELETE"]
    assert not CachedJob.objects.exists()
    assert AuditEvent.objects.get(action=AuditEvent.Action.JOB_DELETE).success


@responses.activate
def test_a_session_with_the_csrf_token_deletes_it_too(alice_credential, operator):
    responses.delete(JOB_URL, json=ACCEPTED)

    assert call(session_client(operator, csrf=True), DELETE).status_code == 202


@responses.activate
def test_a_job_modelarts_does_not_have_is_a_404_and_stays_listed(alice_credential, operator):
    store_job(alice_credential, 12)
    responses.delete(JOB_URL, status=404, json={"error_code": "ModelArts.0103", "error_msg": "Job not found."})

    error = assert_error(call(TokenClient(operator), DELETE), 404, "not_found")

    assert error["modelarts_code"] == "ModelArts.0103"
    assert CachedJob.objects.exists()
