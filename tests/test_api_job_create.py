"""POST /api/projects/<project>/visualization-jobs: ModelArts creates the job; the answer (202) is the job as
accepted, already in the cached list, with its page's URL. A body outside ModelArts' limits is a 400 naming
the field, and nothing is sent. (Who may call it: tests/test_api_write_access.py.)"""

import pytest
import responses

from audit.models import AuditEvent
from jobs.models import CachedJob
from tests.api_writes import JOBS_URL, NEW_JOB, WRITES, TokenClient, assert_error, call, session_client
from tests.job_actions import UPSTREAM, sent_body, writes

pytestmark = pytest.mark.django_db

CREATE = WRITES["create"]
CREATED = {
    "is_success": True,
    "job_id": "10087",  # the reference's sample gives numbers as strings
    "job_name": "resnet-tb",
    "status": "1",
    "create_time": "1700000000000",
    "service_url": "",
}

# The API sends the training output as the "New job" page does: the form of the API reference's samples.
SENT_TRAIN_URL = "/bucket/resnet/logs/"


@responses.activate
def test_the_job_is_created_listed_and_answered_with_its_page(alice_credential, operator):
    responses.post(UPSTREAM, json=CREATED)

    response = call(TokenClient(operator), CREATE, job_type="mindinsight", job_desc="loss", auto_stop_hours=2)

    assert response.status_code == 202
    job = response.json()
    assert (job["is_success"], job["job_id"], job["job_name"], job["status"]) == (True, 10087, "resnet-tb", 1)
    assert (job["status_group"], job["job_desc"], job["train_url"]) == ("starting", "loss", SENT_TRAIN_URL)
    assert job["url"] == f"http://testserver/projects/{alice_credential.project_id}/visualization-jobs/10087/"
    (sent,) = writes()
    assert sent_body(sent) == {
        "job_name": "resnet-tb",
        "job_desc": "loss",
        "train_url": SENT_TRAIN_URL,
        "job_type": "mindinsight",
        "schedule": {"type": "stop", "time_unit": "HOURS", "duration": 2},
    }
    row = CachedJob.objects.get(credential=alice_credential)
    assert (row.job_id, row.job_name, row.status) == (10087, "resnet-tb", 1)
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_CREATE)
    assert (event.username, event.job_id, event.success) == ("alice", 10087, True)


@responses.activate
def test_defaults_send_no_schedule_and_a_session_may_create(alice_credential, operator):
    responses.post(UPSTREAM, json=CREATED)

    response = call(session_client(operator, csrf=True), CREATE)

    assert response.status_code == 202
    assert sent_body(writes()[0]) == {**NEW_JOB, "train_url": SENT_TRAIN_URL, "job_desc": "", "job_type": "tensorboard"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("job_name", ""),
        ("job_name", "x" * 21),
        ("job_name", "has space"),
        ("job_name", "dot.name"),
        ("train_url", "s3://bucket/logs/"),
        ("train_url", "obs://bucket"),
        ("train_url", "obs://bucket/logs"),
        ("job_type", "pytorch"),
        ("job_desc", "x" * 257),
        ("auto_stop_hours", 25),
        ("auto_stop_hours", -1),
        ("auto_stop_hours", "2"),
        ("auto_stop_hours", True),
        ("auto_stop_hours", 1.5),
        ("flavor", "modelarts.vm.cpu.2u"),
    ],
)
@responses.activate
def test_a_value_outside_modelarts_limits_is_a_400_naming_the_field(alice_credential, operator, field, value):
    response = call(TokenClient(operator), CREATE, **{field: value})

    error = assert_error(response, 400, "invalid_body")
    assert list(error["fields"]) == [field]
    assert error["message"].startswith(f"Invalid request body: {field}: ")
    assert writes() == []
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("field", ["job_name", "train_url"])
@responses.activate
def test_a_missing_required_field_is_named(alice_credential, operator, field):
    body = {name: value for name, value in NEW_JOB.items() if name != field}

    response = TokenClient(operator).post(JOBS_URL, body, content_type="application/json")

    assert assert_error(response, 400, "invalid_body")["fields"] == {
        field: [{"message": "Field required", "code": "missing"}]
    }


@pytest.mark.parametrize("name", ["a", "tb_2026-01", "训练日志"])
@responses.activate
def test_names_modelarts_accepts_are_sent(alice_credential, operator, name):
    responses.post(UPSTREAM, json={**CREATED, "job_name": name})

    assert call(TokenClient(operator), CREATE, job_name=name, train_url="/bucket/").status_code == 202


@responses.activate
def test_a_modelarts_refusal_is_explained_audited_and_nothing_listed(alice_credential, operator):
    responses.post(
        UPSTREAM, status=400, json={"is_success": False, "error_code": "ModelArts.0104", "error_msg": "Too many jobs."}
    )

    error = assert_error(call(TokenClient(operator), CREATE), 502, "ModelArts.0104")

    assert error["message"] == "Too many jobs."
    assert not CachedJob.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_CREATE)
    assert not event.success and "Too many jobs." in event.detail


@responses.activate
def test_missing_iam_rights_are_a_403(alice_credential, operator):
    responses.post(UPSTREAM, status=403, json={"error_code": "ModelArts.0108", "error_msg": "Forbidden."})

    error = assert_error(call(TokenClient(operator), CREATE), 403, "ModelArts.0108")

    assert "ModelArts CommonOperations" in error["advice"]


@responses.activate
def test_hours_written_as_a_whole_float_are_hours(alice_credential, operator):
    """JSON does not tell 2 from 2.0: both are the integer the schema asks for."""
    responses.post(UPSTREAM, json=CREATED)

    assert call(TokenClient(operator), CREATE, auto_stop_hours=2.0).status_code == 202
    assert sent_body(writes()[0])["schedule"]["duration"] == 2
