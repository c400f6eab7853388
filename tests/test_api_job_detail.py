"""The JSON detail endpoint: /api/projects/<project_id>/visualization-jobs/<job_id>

Tests of what it answers and to whom take the job from the service layer (service_jobs); those of how it
gets it (typing ModelArts' fields, signing, errors, the shared detail cache) mock HTTP with responses.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from modelarts.client import parse_job
from simulator import seed
from simulator.seed import DEMO
from tests.conftest import ALICE_SECRET, PROJECT_A, PROJECT_B, make_credential

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
# Numbers as strings, as some ModelArts versions send them: the API answers with integers.
JOB = {
    "is_success": True,
    "job_id": "10086",
    "job_name": "resnet-tb",
    "job_desc": "Loss & accuracy",
    "status": "8",
    "create_time": "1700000000123",
    "duration": "93784000",
    "remaining_duration": 7200000,
    "service_url": "https://tensorboard.example.com/10086/",
    "train_url": "obs://bucket/resnet/logs/",
    "resource_id": "res-42",
}
EXPECTED = {
    "is_success": True,
    "job_id": 10086,
    "job_name": "resnet-tb",
    "job_desc": "Loss & accuracy",
    "status": 8,
    "status_label": "Running",
    "status_group": "running",
    "create_time": 1700000000123,
    "duration": 93784000,
    "train_url": "obs://bucket/resnet/logs/",
    "service_url": "https://tensorboard.example.com/10086/",
    "resource_id": "res-42",
    "remaining_duration": 7200000,
}


def api_url(project_id=PROJECT_A, job_id=10086, slash=""):
    return f"/api/projects/{project_id}/visualization-jobs/{job_id}{slash}"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def alice_token(alice) -> str:
    return ApiToken.issue(alice, "script")[1]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


@responses.activate
def test_bearer_token_gets_every_field_typed(alice_credential, alice_token):
    responses.get(f"{UPSTREAM}/10086", json=JOB)
    before = timezone.now().replace(microsecond=0)

    response = Client().get(api_url(), headers=bearer(alice_token))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    fetched_at = datetime.fromisoformat(body.pop("fetched_at"))  # when ModelArts answered, to the second, UTC
    assert before <= fetched_at <= timezone.now() and fetched_at.utcoffset() == timedelta(0)
    assert body == EXPECTED
    assert all(type(body[field]) is int for field in ("job_id", "status", "create_time", "duration"))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("slash", ["", "/"])
def test_session_works_with_or_without_trailing_slash(alice_client, alice_credential, service_jobs, slash):
    service_jobs.add(parse_job(JOB))
    service_jobs.fetched_at = datetime(2026, 3, 1, 8, 30, 15, 250000, tzinfo=UTC)

    response = alice_client.get(api_url(slash=slash))

    assert response.status_code == 200
    assert response.json() == {**EXPECTED, "fetched_at": "2026-03-01T08:30:15Z"}


@pytest.mark.parametrize(
    ("status", "label", "group"),
    [(10, "Completed", "succeeded"), (11, "Failed to run", "failed"), (99, "Unknown status (99)", "unknown")],
)
def test_status_label_and_group(alice_client, alice_credential, service_jobs, status, label, group):
    service_jobs.add(parse_job({**JOB, "status": status}))

    body = alice_client.get(api_url()).json()

    assert (body["status"], body["status_label"], body["status_group"]) == (status, label, group)


def test_missing_times_are_null(alice_client, alice_credential, service_jobs):
    job = {key: value for key, value in JOB.items() if key not in ("create_time", "duration", "remaining_duration")}
    service_jobs.add(parse_job(job))

    body = alice_client.get(api_url()).json()

    assert (body["create_time"], body["duration"], body["remaining_duration"]) == (None, None, None)


def test_no_authentication_is_401_json_not_a_login_redirect(client, alice_credential, service_jobs):
    response = client.get(api_url())

    error = assert_error(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "Bearer" in error["message"]
    assert service_jobs.asked == []


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Bearer " + "A" * 43,  # the right shape, but nobody's
        "Token {token}",
        "Basic YWxpY2U6YWxpY2UtbG9naW4tcGFzc3dvcmQ=",
        "Bearer {token}x",
        "Bearer {token} {token}",
        "",
    ],
)
def test_unknown_or_malformed_tokens_are_401(alice_credential, alice_token, service_jobs, header):
    response = Client().get(api_url(), headers={"Authorization": header.format(token=alice_token)})

    assert_error(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert service_jobs.asked == []


@responses.activate
def test_revoked_token_is_401(alice, alice_credential):
    token, plaintext = ApiToken.issue(alice, "old script")
    token.delete()

    assert_error(Client().get(api_url(), headers=bearer(plaintext)), 401, "unauthenticated")


@responses.activate
def test_token_of_a_deactivated_user_is_401(alice, alice_credential, alice_token):
    alice.is_active = False
    alice.save()

    assert_error(Client().get(api_url(), headers=bearer(alice_token)), 401, "unauthenticated")


def test_a_bad_token_is_refused_even_beside_a_valid_session(alice_client, alice_credential, service_jobs):
    response = alice_client.get(api_url(), headers=bearer("B" * 43))

    assert_error(response, 401, "unauthenticated")
    assert service_jobs.asked == []


def test_token_scheme_is_case_insensitive(alice_credential, alice_token, service_jobs):
    service_jobs.add(parse_job(JOB))

    assert Client().get(api_url(), headers={"Authorization": f"bearer {alice_token}"}).status_code == 200


def test_other_user_gets_404_for_alice_project(bob, alice_credential, service_jobs):
    bob_token = ApiToken.issue(bob, "bob's script")[1]

    for response in (Client().get(api_url(), headers=bearer(bob_token)), force_login_client(bob).get(api_url())):
        error = assert_error(response, 404, "not_found")
        assert alice_credential.name not in error["message"]
    assert service_jobs.asked == []


def force_login_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@responses.activate
def test_each_viewer_uses_their_own_credential(alice_token, alice_credential, bob):
    make_credential(bob, access_key="AKBOB000000000000000", secret="bob-secret")
    bob_token = ApiToken.issue(bob, "bob's script")[1]
    responses.get(f"{UPSTREAM}/10086", json=JOB)

    Client().get(api_url(), headers=bearer(alice_token))
    Client().get(api_url(), headers=bearer(bob_token))

    access_keys = [call.request.headers["Authorization"].split(",")[0] for call in responses.calls]
    assert access_keys == ["SDK-HMAC-SHA256 Access=AKALICE0000000000000", "SDK-HMAC-SHA256 Access=AKBOB000000000000000"]


def test_project_without_credential_is_404(alice_client, alice_credential, service_jobs):
    assert_error(alice_client.get(api_url(project_id=PROJECT_B)), 404, "not_found")
    assert service_jobs.asked == []


@pytest.mark.parametrize(
    "path",
    [
        *(
            api_url(job_id=job_id)
            for job_id in ("abc", "-1", "1.5", "0", "99999999999999999999", "9223372036854775808")
        ),
        api_url(project_id="not-a-project"),
        api_url(project_id=PROJECT_A.upper()),
        api_url(slash="/extra"),
        "/api/",
        "/api/nothing",
    ],
)
def test_invalid_addresses_are_json_404_without_upstream_call(alice_client, alice_credential, service_jobs, path):
    assert_error(alice_client.get(path), 404, "not_found")
    assert_error(Client().get(path), 404, "not_found")  # no login page for scripts either
    assert service_jobs.asked == []


@pytest.mark.parametrize(
    ("status", "body", "api_status", "code"),
    [
        (404, {"error_code": "ModelArts.0104", "error_message": "Job 10086 does not exist."}, 404, "not_found"),
        (
            401,
            {"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail", "request_id": "rq-9"},
            502,
            "APIGW.0301",
        ),
        (401, {"error_code": "APIGW.0303", "error_msg": "request time skew"}, 502, "APIGW.0303"),
        (403, {"error_code": "ModelArts.0108", "error_msg": "denied"}, 502, "ModelArts.0108"),
        (429, {"error_code": "ModelArts.6101", "error_msg": "System busy"}, 503, "ModelArts.6101"),
        (500, {"error_code": "ModelArts.0010", "error_msg": "internal"}, 502, "ModelArts.0010"),
        (503, {}, 503, "busy"),
        (504, {}, 504, "upstream_timeout"),
        (200, {"is_success": False, "error_code": "ModelArts.0010", "error_msg": "bad"}, 502, "ModelArts.0010"),
    ],
)
@responses.activate
def test_upstream_errors_are_json_with_a_fitting_status(alice_client, alice_credential, status, body, api_status, code):
    responses.get(f"{UPSTREAM}/10086", status=status, json=body)

    response = alice_client.get(api_url())

    error = assert_error(response, api_status, code)
    assert error["title"] and error["advice"]
    assert error["modelarts_code"] == body.get("error_code", "")
    assert error["request_id"] == body.get("request_id", "")
    if body.get("error_msg"):
        assert error["message"] == body["error_msg"]
    assert ALICE_SECRET not in response.content.decode()


@pytest.mark.parametrize(
    ("failure", "api_status", "code", "title"),
    [
        (requests.ReadTimeout("slow"), 504, "upstream_timeout", "ModelArts did not answer in time."),
        (requests.ConnectionError("refused"), 502, "connection_failed", "Could not connect to ModelArts."),
    ],
)
@responses.activate
def test_timeout_and_connection_failure(alice_client, alice_credential, failure, api_status, code, title):
    responses.get(f"{UPSTREAM}/10086", body=failure)

    error = assert_error(alice_client.get(api_url()), api_status, code)

    assert error["title"] == title


@responses.activate
def test_garbled_answer_is_502(alice_client, alice_credential):
    responses.get(f"{UPSTREAM}/10086", body='{"is_success": true, "job_id": 1', content_type="application/json")

    assert_error(alice_client.get(api_url()), 502, "bad_response")


def test_undecryptable_secret_is_503_json(alice_client, alice_credential, settings):
    settings.CREDENTIAL_KEYS = ["bmV3LWtleS1ub3QtdGhlLW9sZC1vbmUtMDAwMDAwMDA="]

    error = assert_error(alice_client.get(api_url()), 503, "secret_unreadable")

    assert "cannot be decrypted" in error["message"]


def test_missing_secret_is_409_json_that_retrying_will_not_fix(alice_client, alice_credential, client):
    alice_credential.secret_ciphertext = ""
    alice_credential.save()

    error = assert_error(alice_client.get(api_url()), 409, "secret_missing")

    assert error["title"] == "No secret is stored for this credential."
    assert "Enter the secret again" in error["advice"]
    assert "secret_missing" in json.dumps(client.get("/api/schema").json()["components"]["schemas"]["Error"])


@responses.activate
def test_shares_the_detail_cache_with_the_page(alice_client, alice_credential, alice_token):
    responses.get(f"{UPSTREAM}/10086", json=JOB)

    assert alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/10086/").status_code == 200
    assert Client().get(api_url(), headers=bearer(alice_token)).status_code == 200
    assert alice_client.get(api_url()).status_code == 200

    assert len(responses.calls) == 1


@pytest.mark.parametrize("method", ["post", "put"])
def test_other_methods_are_a_json_405_even_without_csrf(alice, alice_credential, alice_token, method):
    """The job's URL also serves PATCH and DELETE (tests/test_api_job_edit.py, test_api_job_delete.py)."""
    session_client = Client(enforce_csrf_checks=True)
    session_client.force_login(alice)

    for response in (
        getattr(session_client, method)(api_url()),
        getattr(Client(enforce_csrf_checks=True), method)(api_url(), headers=bearer(alice_token)),
    ):
        assert_error(response, 405, "method_not_allowed")
        assert response["Allow"] == "GET, PATCH, DELETE"
        assert response.json()["error"]["message"] == "Only GET, PATCH and DELETE are supported here."


@responses.activate
def test_last_used_is_recorded_at_most_once_a_minute(alice, alice_credential):
    token, plaintext = ApiToken.issue(alice, "script")
    responses.get(f"{UPSTREAM}/10086", json=JOB)
    client = Client()

    client.get(api_url(), headers=bearer(plaintext))
    token.refresh_from_db()
    first = token.last_used
    assert first is not None

    client.get(api_url(), headers=bearer(plaintext))  # within the minute: read-only
    token.refresh_from_db()
    assert token.last_used == first

    ApiToken.objects.filter(pk=token.pk).update(last_used=first - timedelta(minutes=2))
    client.get(api_url(), headers=bearer(plaintext))
    token.refresh_from_db()
    assert timezone.now() - token.last_used < timedelta(seconds=5)


def test_against_the_simulator_over_real_http(alice, simulated_credential):
    token = ApiToken.issue(alice, "integration")[1]

    response = Client().get(api_url(project_id=DEMO.project_id, job_id=seed.DEMO_RUNNING_JOB_ID), headers=bearer(token))

    body = response.json()
    assert response.status_code == 200
    assert (body["job_id"], body["status"], body["status_label"], body["status_group"]) == (
        seed.DEMO_RUNNING_JOB_ID,
        8,
        "Running",
        "running",
    )
    assert isinstance(body["create_time"], int) and isinstance(body["duration"], int)
    assert body["service_url"].startswith("https://")

    missing = Client().get(api_url(project_id=DEMO.project_id, job_id=1), headers=bearer(token))
    assert_error(missing, 404, "not_found")
