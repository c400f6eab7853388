"""Answers too large or nested too deep to handle safely are a BadResponse, read no further than the bound:
from ModelArts and from IAM, in the client, and in the refresh command. (Every page and the API meet the same
answers from the simulator in test_fault_matrix.py.)"""

import io
import json

import pytest
import responses
from django.core.management import CommandError, call_command

from jobs import failures
from jobs.models import CachedJob
from modelarts import errors
from modelarts.auth import IamTokenAuth, SignatureAuth
from modelarts.client import ModelArtsClient, RetryPolicy
from modelarts.http import MAX_JSON_DEPTH, Timeouts
from tests.conftest import DictStore

ENDPOINT = "https://modelarts.cn-north-4.myhuaweicloud.com"
IAM = "https://iam.cn-north-4.myhuaweicloud.com"
PROJECT = "0123456789abcdef0123456789abcdef"
JOB_URL = f"{ENDPOINT}/v1/{PROJECT}/visualization-jobs/7"
JOB = {"is_success": True, "job_id": 7, "job_name": "x", "status": 8}
LIMIT = 1024 * 1024


class CountingStream(io.RawIOBase):
    """``size`` bytes of a JSON string, produced as they are read, counting how many were."""

    def __init__(self, size: int):
        self.size = size
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.size - self.served)
        buffer[:count] = b"x" * count
        self.served += count
        return count


def make_iam_auth(**kwargs) -> IamTokenAuth:
    return IamTokenAuth(
        iam_endpoint=IAM,
        domain_name="acme",
        user_name="alice",
        password="pw",
        project_id=PROJECT,
        store=DictStore(),
        binding_key=b"tests",
        timeouts=Timeouts(1, 1),
        user_agent="test-agent",
        **kwargs,
    )


def make_client(auth=None) -> ModelArtsClient:
    return ModelArtsClient(
        endpoint=ENDPOINT,
        project_id=PROJECT,
        auth=auth or SignatureAuth("AKAKAKAKAKAKAKAKAKAK", "SK-secret"),
        user_agent="test-agent",
        timeouts=Timeouts(1, 1),
        retry=RetryPolicy(attempts=1),
        max_response_bytes=LIMIT,
    )


def nested(depth: int) -> dict:
    value: dict = {"type": "stop"}
    for _ in range(depth - 1):
        value = {"schedule": value}
    return value


@responses.activate
def test_a_huge_answer_is_read_no_further_than_the_bound():
    stream = CountingStream(50 * LIMIT)
    responses.get(JOB_URL, body=io.BufferedReader(stream), content_type="application/json")

    with pytest.raises(errors.BadResponse, match=f"larger than {LIMIT} bytes") as refused:
        make_client().get_visualization_job(7)

    assert stream.served < 2 * LIMIT
    assert "MODELARTS_MAX_RESPONSE_BYTES" in failures.explain(refused.value).advice


@responses.activate
def test_a_declared_size_over_the_bound_is_refused_before_reading():
    stream = CountingStream(2 * LIMIT)
    responses.get(
        JOB_URL,
        body=io.BufferedReader(stream),
        content_type="application/json",
        headers={"Content-Length": str(2 * LIMIT)},
    )

    with pytest.raises(errors.BadResponse, match="larger than"):
        make_client().get_visualization_job(7)

    assert stream.served == 0


@responses.activate
def test_an_answer_of_exactly_the_bound_is_read():
    frame = json.dumps({**JOB, "job_desc": ""}).encode()
    description = "d" * (LIMIT - len(frame))
    responses.get(JOB_URL, json={**JOB, "job_desc": description})

    assert make_client().get_visualization_job(7).job_desc == description


@responses.activate
def test_a_huge_iam_answer_is_refused_too():
    responses.post(f"{IAM}/v3/auth/tokens", status=201, body=io.BufferedReader(CountingStream(50 * LIMIT)))
    auth = make_iam_auth(max_response_bytes=LIMIT)

    with pytest.raises(errors.BadResponse, match="larger than"):
        auth.token()


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH - 3, MAX_JSON_DEPTH - 2])  # the schedule is 3 levels down
@responses.activate
def test_answers_as_deep_as_the_bound_are_read(depth):
    responses.get(JOB_URL, json={**JOB, "schedule": nested(depth)})

    schedule = make_client().get_visualization_job(7).schedule

    assert json.dumps(schedule).count("schedule") == depth - 1


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, 800, 5000, 30_000])
@responses.activate
def test_deeper_answers_are_a_bad_response(depth):
    text = '{"schedule": ' * (depth - 1) + "{}" + "}" * (depth - 1)
    responses.get(JOB_URL, body=f'{{"is_success": true, "job_id": 7, "status": 8, "schedule": {text}}}')
    responses.get(f"{ENDPOINT}/v1/{PROJECT}/visualization-jobs", body=f'{{"jobs": [{{"job_id": 7, "x": {text}}}]}}')

    with pytest.raises(errors.BadResponse, match=f"nested more than {MAX_JSON_DEPTH} levels deep"):
        make_client().get_visualization_job(7)
    with pytest.raises(errors.BadResponse, match="nested more than"):
        make_client().list_visualization_jobs()


@pytest.mark.parametrize("depth", [800, 100_000])
@responses.activate
def test_a_deep_iam_answer_is_a_bad_response(depth):
    text = "[" * depth + "]" * depth
    responses.post(f"{IAM}/v3/auth/tokens", status=201, body=f'{{"token": {text}}}', headers={"X-Subject-Token": "t"})
    responses.post(f"{IAM}/v3/auth/tokens", status=401, body=f'{{"error": {text}}}')
    auth = make_iam_auth()

    for _ in range(2):
        with pytest.raises(errors.BadResponse, match="nested more than"):
            auth.token()


@pytest.mark.django_db
def test_the_refresh_command_reports_a_deep_list_and_keeps_none_of_it(simulated_credential, simulator):
    simulator.add_fault("deeply_nested")
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 refresh"):
        call_command("refresh_job_lists", stdout=out)

    assert "nested more than" in out.getvalue()
    assert "ModelArts sent an answer the dashboard could not understand." in out.getvalue()
    assert not CachedJob.objects.exists()


@pytest.mark.django_db
def test_the_refresh_command_reports_a_huge_list(simulated_credential, simulator, settings):
    settings.MODELARTS_MAX_RESPONSE_BYTES = LIMIT
    simulator.add_fault("huge", size_bytes=2 * LIMIT)
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 refresh"):
        call_command("refresh_job_lists", stdout=out)

    assert f"larger than {LIMIT} bytes" in out.getvalue()
