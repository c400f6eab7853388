"""IAM token authentication: issue, reuse across clients, renewal before expiry, one retry on a 401."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
import responses

from modelarts import errors
from modelarts.auth import IamTokenAuth
from modelarts.client import ModelArtsClient, RetryPolicy
from modelarts.http import Timeouts
from tests.conftest import DictStore

IAM = "https://iam.cn-north-4.myhuaweicloud.com"
ENDPOINT = "https://modelarts.cn-north-4.myhuaweicloud.com"
PROJECT = "0123456789abcdef0123456789abcdef"
JOB_URL = f"{ENDPOINT}/v1/{PROJECT}/visualization-jobs/7"
JOB = {"job_id": 7, "job_name": "x", "status": 8}
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def make_auth(store, password="pw-secret", binding_key=b"binding-key"):
    return IamTokenAuth(
        iam_endpoint=IAM,
        domain_name="acme",
        user_name="alice",
        password=password,
        project_id=PROJECT,
        store=store,
        binding_key=binding_key,
        timeouts=Timeouts(1, 1),
        user_agent="test-agent",
        clock=lambda: NOW,
    )


def make_client(store, password="pw-secret"):
    return ModelArtsClient(
        endpoint=ENDPOINT,
        project_id=PROJECT,
        auth=make_auth(store, password=password),
        user_agent="test-agent",
        retry=RetryPolicy(attempts=1),
    )


def add_token(token, expires_in=timedelta(hours=24)):
    responses.post(
        f"{IAM}/v3/auth/tokens",
        status=201,
        headers={"X-Subject-Token": token},
        json={"token": {"expires_at": (NOW + expires_in).isoformat().replace("+00:00", "Z")}},
    )


@responses.activate
def test_token_request_is_project_scoped_password_auth():
    add_token("tok-1")
    responses.get(JOB_URL, json=JOB)

    make_client(DictStore()).get_visualization_job(7)

    body = json.loads(responses.calls[0].request.body)
    assert body["auth"]["identity"] == {
        "methods": ["password"],
        "password": {"user": {"name": "alice", "password": "pw-secret", "domain": {"name": "acme"}}},
    }
    assert body["auth"]["scope"] == {"project": {"id": PROJECT}}
    assert responses.calls[1].request.headers["X-Auth-Token"] == "tok-1"


@responses.activate
def test_token_is_reused_across_clients_until_five_minutes_before_expiry():
    store = DictStore()
    add_token("tok-1")
    responses.get(JOB_URL, json=JOB)

    make_client(store).get_visualization_job(7)
    make_client(store).get_visualization_job(7)

    token_calls = [call for call in responses.calls if call.request.method == "POST"]
    assert len(token_calls) == 1
    (key,) = store.timeouts
    assert store.timeouts[key] == (timedelta(hours=24) - timedelta(minutes=5)).total_seconds()
    assert "pw-secret" not in key


@responses.activate
def test_token_close_to_expiry_is_not_reused():
    store = DictStore()
    add_token("tok-short", expires_in=timedelta(minutes=4))
    responses.get(JOB_URL, json=JOB)

    make_client(store).get_visualization_job(7)
    make_client(store).get_visualization_job(7)

    assert len([call for call in responses.calls if call.request.method == "POST"]) == 2
    assert store.values == {}


@responses.activate
def test_expired_token_is_renewed_once_and_the_call_retried():
    store = DictStore()
    store.values[make_auth(store).cache_key] = "tok-old"
    add_token("tok-new")
    responses.get(JOB_URL, status=401, json={"error_code": "APIGW.0301", "error_msg": "token expires"})
    responses.get(JOB_URL, json=JOB)

    assert make_client(store).get_visualization_job(7).job_id == 7

    sent_tokens = [call.request.headers.get("X-Auth-Token") for call in responses.calls if call.request.method == "GET"]
    assert sent_tokens == ["tok-old", "tok-new"]
    assert store.values[make_auth(store).cache_key] == "tok-new"


@responses.activate
def test_a_second_401_is_not_retried_again():
    add_token("tok")
    responses.get(JOB_URL, status=401, json={"error_code": "ModelArts.0202", "error_msg": "token expired"})

    with pytest.raises(errors.TokenRejected):
        make_client(DictStore()).get_visualization_job(7)

    assert len([call for call in responses.calls if call.request.method == "GET"]) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}},
        {"error_code": "IAM.0004", "error_msg": "The username or password is wrong."},
    ],
)
@responses.activate
def test_wrong_password_is_an_authentication_error(body):
    responses.post(f"{IAM}/v3/auth/tokens", status=401, json=body)

    with pytest.raises(errors.AuthenticationFailed, match="username or password is wrong"):
        make_client(DictStore()).get_visualization_job(7)


@responses.activate
def test_token_answer_without_header_is_a_bad_response():
    responses.post(f"{IAM}/v3/auth/tokens", status=201, json={"token": {"expires_at": "2099-01-01T00:00:00Z"}})

    with pytest.raises(errors.BadResponse, match="X-Subject-Token"):
        make_client(DictStore()).get_visualization_job(7)


@responses.activate
def test_iam_outage_is_a_service_error():
    responses.post(f"{IAM}/v3/auth/tokens", status=500, body="oops")

    with pytest.raises(errors.ServiceError):
        make_client(DictStore()).get_visualization_job(7)


def test_password_is_not_in_repr():
    assert "pw-secret" not in repr(make_auth(DictStore()))


@responses.activate
def test_a_wrong_password_never_gets_the_token_the_right_one_earned():
    store = DictStore()
    add_token("tok-right")
    responses.get(JOB_URL, json=JOB)
    make_client(store).get_visualization_job(7)
    wrong = make_client(store, password="a-wrong-guess")
    responses.post(f"{IAM}/v3/auth/tokens", status=401, json={"error": {"code": 401, "message": "wrong password"}})

    with pytest.raises(errors.AuthenticationFailed):
        wrong.get_visualization_job(7)

    token_requests = [json.loads(call.request.body) for call in responses.calls if call.request.method == "POST"]
    assert [body["auth"]["identity"]["password"]["user"]["password"] for body in token_requests] == [
        "pw-secret",
        "a-wrong-guess",
    ]
    tokens = {key: value for key, value in store.values.items() if key.startswith("modelarts-token:")}
    assert tokens == {make_auth(store).cache_key: "tok-right"}


def test_the_store_key_is_a_keyed_hash_of_the_identity_and_the_password():
    store = DictStore()
    key = make_auth(store).cache_key
    identity = "\n".join([IAM, "acme", "alice", PROJECT])

    assert key != make_auth(store, password="pw-other").cache_key
    assert key != make_auth(store, binding_key=b"another-deployment").cache_key  # not guessable without the key
    assert key == make_auth(store).cache_key
    for unkeyed in (identity, identity + "\npw-secret", "pw-secret"):
        assert hashlib.sha256(unkeyed.encode()).hexdigest() not in key
    assert "pw-secret" not in key and "alice" not in key
