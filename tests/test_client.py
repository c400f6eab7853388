"""The ModelArts client against mocked HTTP (responses): parsing, quirks, errors, retries, signing on the wire."""

from datetime import UTC, datetime

import pytest
import requests
import responses
from responses import matchers

from modelarts import errors, signing
from modelarts.auth import SignatureAuth
from modelarts.client import ModelArtsClient, RetryPolicy, new_session
from modelarts.http import Timeouts

ENDPOINT = "https://modelarts.cn-north-4.myhuaweicloud.com"
PROJECT = "0123456789abcdef0123456789abcdef"
JOBS_URL = f"{ENDPOINT}/v1/{PROJECT}/visualization-jobs"
JOB = {
    "job_id": 10086,
    "job_name": "tb-run",
    "job_desc": "loss curves",
    "status": 8,
    "create_time": 1700000000123,
    "duration": 3723000,
    "service_url": "https://tb.example.com/x",
    "train_url": "obs://bucket/run/",
    "resource_id": "res-1",
}


def make_client(**kwargs) -> ModelArtsClient:
    options = {
        "endpoint": ENDPOINT,
        "project_id": PROJECT,
        "auth": SignatureAuth("AKAKAKAKAKAKAKAKAKAK", "SK-secret"),
        "user_agent": "modelarts-dashboard/test",
        "timeouts": Timeouts(connect=1, read=1),
        "retry": RetryPolicy(attempts=3, backoff_seconds=0, max_retry_after_seconds=1),
    }
    options.update(kwargs)
    return ModelArtsClient(**options)


@responses.activate
def test_detail_is_parsed_into_a_typed_job():
    responses.get(f"{JOBS_URL}/10086", json={"is_success": True, **JOB, "remaining_duration": 60000})

    job = make_client().get_visualization_job(10086)

    assert job.job_id == 10086
    assert job.job_name == "tb-run"
    assert job.status == 8
    assert job.create_time == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    assert job.duration_ms == 3723000
    assert job.remaining_duration_ms == 60000
    assert (job.service_url, job.train_url, job.resource_id) == (
        "https://tb.example.com/x",
        "obs://bucket/run/",
        "res-1",
    )


@responses.activate
def test_numbers_sent_as_strings_and_missing_optional_fields():
    body = {"job_id": "10", "status": "1", "create_time": "1700000000000", "duration": "0", "job_name": "x"}
    responses.get(f"{JOBS_URL}/10", json=body)

    job = make_client().get_visualization_job(10)

    assert (job.job_id, job.status, job.duration_ms) == (10, 1, 0)
    assert job.create_time == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert (job.service_url, job.job_desc, job.remaining_duration_ms) == ("", "", None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**JOB, "status": "abc"}, "status"),
        ({**JOB, "job_id": None}, "job_id"),
        ({**JOB, "status": True}, "status"),
        ({**JOB, "create_time": "yesterday"}, "create_time"),
        ({**JOB, "job_name": {"a": 1}}, "job_name"),
        ({**JOB, "status": "²"}, "status"),
    ],
)
@responses.activate
def test_wrong_types_are_a_bad_response_naming_the_field(body, field):
    responses.get(f"{JOBS_URL}/10086", json=body)

    with pytest.raises(errors.BadResponse, match=field):
        make_client().get_visualization_job(10086)


@responses.activate
def test_request_on_the_wire_is_the_request_signed():
    responses.get(JOBS_URL, json={"is_success": True, "job_total_count": 0, "jobs": []})

    make_client().list_visualization_jobs(page=2, per_page=50, sort_by="create_time", order="desc", search="张 三")

    sent = responses.calls[0].request
    path, _, query = sent.url.partition("://")[2].partition("/")[2].partition("?")
    assert query == "order=desc&page=2&per_page=50&search_content=%E5%BC%A0%20%E4%B8%89&sortBy=create_time"
    fields = signing.parse_authorization(sent.headers["Authorization"])
    headers = {name.lower(): value for name, value in sent.headers.items()}
    signed = fields["SignedHeaders"].split(";")
    assert {"host", "x-sdk-date", "content-type", "user-agent"} <= set(signed)
    canonical = signing.canonical_request("GET", "/" + path, query, headers, signed, sent.body)
    assert fields["Signature"] == signing.signature("SK-secret", headers["x-sdk-date"], canonical)
    assert sent.headers["User-Agent"] == "modelarts-dashboard/test"


@responses.activate
def test_list_parses_totals_and_jobs():
    responses.get(
        JOBS_URL,
        json={"is_success": True, "job_total_count": "2", "job_count_limit": 8, "quotas": 10, "jobs": [JOB, JOB]},
        match=[matchers.query_param_matcher({"page": "1", "per_page": "10", "status": "8"})],
    )

    result = make_client().list_visualization_jobs(status=8)

    assert (result.total, result.job_count_limit, result.quotas) == (2, 8, 10)
    assert [job.job_id for job in result.jobs] == [10086, 10086]


@responses.activate
def test_jobs_not_a_list_is_a_bad_response():
    responses.get(JOBS_URL, json={"is_success": True, "jobs": {"oops": 1}})

    with pytest.raises(errors.BadResponse, match="'jobs' should be a list"):
        make_client().list_visualization_jobs()


def test_unknown_sort_key_is_refused_before_any_request():
    with pytest.raises(ValueError, match="sort_by"):
        make_client().list_visualization_jobs(sort_by="job_id; drop")


@pytest.mark.parametrize("message_field", ["error_msg", "error_message"])
@responses.activate
def test_is_success_false_with_http_200_is_an_error(message_field):
    responses.get(
        f"{JOBS_URL}/1", json={"is_success": False, "error_code": "ModelArts.0010", message_field: "internal"}
    )

    with pytest.raises(errors.ServiceError) as caught:
        make_client().get_visualization_job(1)

    assert (caught.value.code, caught.value.message) == ("ModelArts.0010", "internal")


@responses.activate
def test_html_error_page_from_a_proxy():
    responses.get(
        f"{JOBS_URL}/1", body="<html><title>502 Bad Gateway</title></html>", status=502, content_type="text/html"
    )

    with pytest.raises(errors.ServiceError, match=r"HTTP 502 with a non-JSON answer \(text/html body"):
        make_client().get_visualization_job(1)


@responses.activate
def test_truncated_json_with_http_200():
    responses.get(f"{JOBS_URL}/1", body='{"is_success": true, "job_id": 1', content_type="application/json")

    with pytest.raises(
        errors.BadResponse, match=r"not valid JSON \(application/json body of 32 bytes, perhaps cut off\)"
    ):
        make_client().get_visualization_job(1)


@responses.activate
def test_gateway_error_keeps_its_request_id():
    responses.get(
        f"{JOBS_URL}/1",
        status=401,
        json={"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail", "request_id": "abc123"},
    )

    with pytest.raises(errors.AuthenticationFailed) as caught:
        make_client().get_visualization_job(1)

    assert caught.value.request_id == "abc123"
    assert len(responses.calls) == 1  # a refused signature is not retried


@pytest.mark.parametrize("status", [502, 503, 504])
@responses.activate
def test_gateway_statuses_are_retried_then_succeed(status):
    responses.get(f"{JOBS_URL}/1", status=status, json={"error_code": "APIGW.0xxx", "error_msg": "busy"})
    responses.get(f"{JOBS_URL}/1", json=JOB)

    assert make_client().get_visualization_job(1).job_id == 10086
    assert len(responses.calls) == 2


@responses.activate
def test_retries_are_bounded():
    responses.get(f"{JOBS_URL}/1", status=503, json={"error_code": "ModelArts.6101", "error_msg": "busy"})

    with pytest.raises(errors.Busy):
        make_client(retry=RetryPolicy(attempts=3, backoff_seconds=0)).get_visualization_job(1)

    assert len(responses.calls) == 3


@responses.activate
def test_rate_limit_is_retried():
    responses.get(
        f"{JOBS_URL}/1",
        status=429,
        headers={"Retry-After": "0"},
        json={"error_code": "ModelArts.6101", "error_msg": "System busy"},
    )
    responses.get(f"{JOBS_URL}/1", json=JOB)

    assert make_client().get_visualization_job(1).job_id == 10086
    assert len(responses.calls) == 2


def test_retry_after_is_honoured_up_to_a_bound():
    retry = RetryPolicy(max_retry_after_seconds=7).as_urllib3()

    assert retry.parse_retry_after("3") == 3
    assert retry.parse_retry_after("3600") == 7
    assert retry.respect_retry_after_header


@pytest.mark.parametrize("status", [400, 403, 404, 500])
@responses.activate
def test_other_failures_fail_fast(status):
    responses.get(f"{JOBS_URL}/1", status=status, json={"error_code": "ModelArts.0000", "error_msg": "no"})

    with pytest.raises(errors.ModelArtsError):
        make_client().get_visualization_job(1)

    assert len(responses.calls) == 1


@responses.activate
def test_read_timeout_is_not_retried():
    responses.get(f"{JOBS_URL}/1", body=requests.ReadTimeout("slow"))

    with pytest.raises(errors.UpstreamTimeout, match="did not answer within 1 s"):
        make_client().get_visualization_job(1)

    assert len(responses.calls) == 1


def test_connection_refused_is_a_readable_error(unused_port):
    client = make_client(endpoint=f"http://127.0.0.1:{unused_port}", retry=RetryPolicy(attempts=2, backoff_seconds=0))

    with pytest.raises(errors.ConnectionFailed, match="Connection refused"):
        client.get_visualization_job(1)


@responses.activate
def test_redirects_are_not_followed():
    responses.get(f"{JOBS_URL}/1", status=302, headers={"Location": "https://evil.example.com/steal"})

    with pytest.raises(errors.BadResponse, match="redirect"):
        make_client().get_visualization_job(1)

    assert len(responses.calls) == 1


@pytest.mark.parametrize("job_id", [0, -5, "-5"])
@responses.activate
def test_non_positive_job_ids_are_a_bad_response(job_id):
    responses.get(JOBS_URL, json={"is_success": True, "job_total_count": 1, "jobs": [{**JOB, "job_id": job_id}]})

    with pytest.raises(errors.BadResponse, match="positive"):
        make_client().list_visualization_jobs()


@responses.activate
def test_json_nested_too_deep_is_a_bad_response():
    responses.get(f"{JOBS_URL}/1", body="[" * 100_000 + "]" * 100_000, content_type="application/json")

    with pytest.raises(errors.BadResponse):
        make_client().get_visualization_job(1)


@pytest.mark.parametrize("create_time", [10**18, -(10**18)])
@responses.activate
def test_implausible_times_are_a_bad_response(create_time):
    responses.get(f"{JOBS_URL}/1", json={**JOB, "create_time": create_time})

    with pytest.raises(errors.BadResponse, match="create_time"):
        make_client().get_visualization_job(1)


@responses.activate
def test_text_that_no_database_would_store_is_cleaned():
    body = '{"job_id": 1, "status": 8, "job_name": "a\\u0000b\\ud800", "schedule": {"k\\u0000": "v\\u0000"}}'
    responses.get(f"{JOBS_URL}/1", body=body, content_type="application/json")
    responses.get(
        f"{JOBS_URL}/2",
        status=400,
        body='{"error_code": "X\\u0000", "error_msg": "m\\u0000"}',
        content_type="application/json",
    )

    job = make_client().get_visualization_job(1)
    with pytest.raises(errors.ModelArtsError) as caught:
        make_client().get_visualization_job(2)

    assert job.job_name == "ab?"
    assert job.schedule == {"k": "v"}
    assert (caught.value.code, caught.value.message) == ("X", "m")


@pytest.mark.parametrize(
    "schedule",
    [
        {"type": "stop", "time_unit": "HOURS", "duration": 1},
        [{"type": "stop", "time_unit": "HOURS", "duration": 1}],
        [{"type": "stop", "timeUnit": "HOURS", "duration": 1}],
        {"type": "stop", "timeUnit": "HOURS", "duration": 1},
    ],
    ids=["object", "array", "array camelCase", "object camelCase"],
)
@responses.activate
def test_schedule_in_every_documented_form_reads_as_one_object(schedule):
    responses.get(JOBS_URL, json={"is_success": True, "job_total_count": 1, "jobs": [{**JOB, "schedule": schedule}]})

    job = make_client().list_visualization_jobs().jobs[0]

    assert job.schedule == {"type": "stop", "time_unit": "HOURS", "duration": 1}


@responses.activate
def test_a_schedule_that_is_neither_an_object_nor_one_is_left_out():
    responses.get(f"{JOBS_URL}/1", json={**JOB, "schedule": [{"type": "stop"}, {"type": "stop"}]})

    assert make_client().get_visualization_job(1).schedule is None


@responses.activate
def test_a_shared_session_keeps_no_cookies_between_tenants():
    responses.get(f"{JOBS_URL}/1", json=JOB, headers={"Set-Cookie": "tenant=alice; Path=/"})
    responses.get(f"{JOBS_URL}/2", json=JOB)
    shared = new_session("ua", RetryPolicy())

    make_client(session=shared).get_visualization_job(1)
    make_client(session=shared, auth=SignatureAuth("AKBOB000000000000000", "bob-sk")).get_visualization_job(2)

    assert "Cookie" not in responses.calls[1].request.headers
