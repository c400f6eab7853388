"""The ModelArts simulator, spoken to over real HTTP as the dashboard speaks to it."""

import dataclasses
import http.client
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from modelarts.signing import AkSkAuth
from simulator import seed
from simulator.__main__ import build_parser, parse_fault, parse_job_fault
from simulator.seed import DEMO, OTHER
from simulator.server import Simulator

AUTH = AkSkAuth(DEMO.access_key, DEMO.secret_key)
REPO = Path(__file__).resolve().parent.parent


def jobs_path(project_id=DEMO.project_id, job_id=None):
    path = f"/v1/{project_id}/visualization-jobs"
    return path if job_id is None else f"{path}/{job_id}"


def get(sim, path, params=None, auth=AUTH, headers=None, timeout=5):
    return requests.get(sim.url + path, params=params, auth=auth, headers=headers, timeout=timeout)


def list_jobs(sim, **params):
    response = get(sim, jobs_path(), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def detail(sim, job_id, **kwargs):
    return get(sim, jobs_path(job_id=job_id), **kwargs)


def login_body(tenant=DEMO, password=None, project_id=None):
    user = {"name": tenant.user_name, "password": password or tenant.password, "domain": {"name": tenant.domain_name}}
    return {
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": user}},
            "scope": {"project": {"id": project_id or tenant.project_id}},
        }
    }


def issue_token(sim, body=None):
    return requests.post(sim.url + "/v3/auth/tokens", json=body or login_body(), timeout=5)


def clock(offset):
    return lambda: datetime.now(UTC) + offset


def number(value):
    return int(value)  # some jobs are serialized with numbers as strings


def assert_gateway_error(response, status, code, message_part=""):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error_code", "error_msg", "request_id"}
    assert body["error_code"] == code
    assert message_part in body["error_msg"]
    assert body["request_id"] == response.headers["X-Request-Id"]


def assert_modelarts_error(response, status, code, message_field="error_msg"):
    assert response.status_code == status, response.text
    body = response.json()
    assert body == {"is_success": False, "error_code": code, message_field: body[message_field]}
    assert body[message_field]
    return body[message_field]


# Successful calls


def test_signed_list_succeeds(simulator):
    response = get(simulator, jobs_path())
    body = response.json()
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-Request-Id"]
    assert body["is_success"] is True
    assert body["job_total_count"] == 60
    assert isinstance(body["job_count_limit"], int) and isinstance(body["quotas"], int)
    assert len(body["jobs"]) == 10  # the default per_page
    assert {"job_id", "job_name", "status", "create_time", "duration", "train_url", "resource_id"} <= set(
        body["jobs"][0]
    )


def test_signed_detail_succeeds(simulator):
    response = detail(simulator, seed.DEMO_RUNNING_JOB_ID)
    body = response.json()
    assert response.status_code == 200
    assert body["is_success"] is True
    assert body["job_id"] == seed.DEMO_RUNNING_JOB_ID
    assert body["status"] == 8
    assert body["service_url"].startswith("https://")
    assert body["schedule"]["type"] == "stop"
    assert isinstance(body["remaining_duration"], int) and body["remaining_duration"] > 0


def test_detail_of_an_unknown_job_is_404_with_error_message(simulator):
    message = assert_modelarts_error(detail(simulator, 99999999), 404, "ModelArts.0104", "error_message")
    assert message == "Visualization job 99999999 does not exist."


def test_detail_of_a_non_numeric_job_id_is_400(simulator):
    assert_modelarts_error(detail(simulator, "abc"), 400, "ModelArts.0104", "error_message")


def test_other_tenant_sees_its_own_jobs(simulator):
    response = get(
        simulator, jobs_path(OTHER.project_id), {"per_page": 1000}, AkSkAuth(OTHER.access_key, OTHER.secret_key)
    )
    jobs = response.json()["jobs"]
    assert len(jobs) == 60
    assert not {number(job["job_id"]) for job in jobs} & set(seed.DEMO_CURATED_JOB_IDS)


# List parameters


@pytest.mark.parametrize("per_page", ["0", "1001", "-1", "abc", "", "1.5"])
def test_per_page_out_of_bounds_is_refused(simulator, per_page):
    response = get(simulator, jobs_path(), {"per_page": per_page})
    assert "per_page" in assert_modelarts_error(response, 400, "ModelArts.0104", "error_message")


@pytest.mark.parametrize("per_page", [1, 1000])
def test_per_page_bounds_are_accepted(simulator, per_page):
    assert len(list_jobs(simulator, per_page=per_page)["jobs"]) == min(per_page, 60)


def test_older_api_refuses_per_page_over_100(simulator):
    simulator.max_per_page = 100
    assert len(list_jobs(simulator, per_page=100)["jobs"]) == 60
    assert "per_page" in assert_modelarts_error(
        get(simulator, jobs_path(), {"per_page": 101}), 400, "ModelArts.0104", "error_message"
    )


def test_pages_partition_the_jobs_and_past_the_end_is_empty(simulator):
    pages = [list_jobs(simulator, per_page=25, page=page) for page in (1, 2, 3, 4)]
    assert [len(page["jobs"]) for page in pages] == [25, 25, 10, 0]
    assert all(page["job_total_count"] == 60 for page in pages)
    ids = [number(job["job_id"]) for page in pages for job in page["jobs"]]
    assert ids == sorted(set(ids))  # job_id ascending by default, no repeats


@pytest.mark.parametrize("page", ["0", "x"])
def test_invalid_page_is_refused(simulator, page):
    assert "page" in assert_modelarts_error(
        get(simulator, jobs_path(), {"page": page}), 400, "ModelArts.0104", "error_message"
    )


@pytest.mark.parametrize("sort_param", ["sortBy", "sort_by"])
@pytest.mark.parametrize(
    ("key", "order", "convert"),
    [
        ("job_name", "asc", str),
        ("job_id", "desc", number),
        ("create_time", "desc", number),
        ("create_time", "asc", number),
        ("status", "asc", number),
    ],
)
def test_sorting(simulator, sort_param, key, order, convert):
    jobs = list_jobs(simulator, per_page=1000, **{sort_param: key, "order": order})["jobs"]
    values = [convert(job[key]) for job in jobs]
    assert values == sorted(values, reverse=order == "desc")
    assert len(set(values)) > 1


def test_default_order_is_job_id_ascending(simulator):
    ids = [number(job["job_id"]) for job in list_jobs(simulator, per_page=1000)["jobs"]]
    assert ids == sorted(ids)


@pytest.mark.parametrize(("name", "value"), [("sortBy", "duration"), ("sort_by", "JOB_NAME"), ("order", "up")])
def test_invalid_sorting_is_refused(simulator, name, value):
    assert name in assert_modelarts_error(
        get(simulator, jobs_path(), {name: value}), 400, "ModelArts.0104", "error_message"
    )


def test_status_filter(simulator):
    body = list_jobs(simulator, status=8, per_page=1000)
    ids = {number(job["job_id"]) for job in body["jobs"]}
    assert {number(job["status"]) for job in body["jobs"]} == {8}
    assert {seed.DEMO_RUNNING_JOB_ID, seed.DEMO_UNSAFE_SERVICE_URL_JOB_ID} <= ids
    assert body["job_total_count"] == len(ids)
    unknown = list_jobs(simulator, status=99)["jobs"]
    assert [job["job_id"] for job in unknown] == [seed.DEMO_UNKNOWN_STATUS_JOB_ID]


def test_invalid_status_is_refused(simulator):
    assert "status" in assert_modelarts_error(
        get(simulator, jobs_path(), {"status": "run"}), 400, "ModelArts.0104", "error_message"
    )


@pytest.mark.parametrize(
    ("search", "job_id"), [("SCRIPT>", seed.DEMO_HTML_JOB_ID), ("图像分类-可视", seed.DEMO_UNICODE_JOB_ID)]
)
def test_search_content_is_a_case_insensitive_name_substring(simulator, search, job_id):
    jobs = list_jobs(simulator, search_content=search)["jobs"]
    assert [job["job_id"] for job in jobs] == [job_id]


def test_search_content_length_limit(simulator):
    assert list_jobs(simulator, search_content="x" * 64)["jobs"] == []
    refused = get(simulator, jobs_path(), {"search_content": "x" * 65})
    assert "search_content" in assert_modelarts_error(refused, 400, "ModelArts.0104", "error_message")


def test_workspace(simulator):
    assert list_jobs(simulator, workspace_id="0")["job_total_count"] == 60
    refused = get(simulator, jobs_path(), {"workspace_id": "1"})
    assert "Workspace 1" in assert_modelarts_error(refused, 400, "ModelArts.0102", "error_message")


# Gateway refusals


def test_no_credential_is_refused_by_the_gateway(simulator):
    assert_gateway_error(get(simulator, jobs_path(), auth=None), 401, "APIGW.0301", "x-auth-token not found")


@pytest.mark.parametrize("header", ["Bearer abc", "SDK-HMAC-SHA256 Access=AK", "SDK-HMAC-SHA256 nonsense"])
def test_malformed_authorization_is_refused(simulator, header):
    response = get(simulator, jobs_path(), auth=None, headers={"Authorization": header})
    assert_modelarts_error(response, 401, "ModelArts.0206")


def test_unknown_access_key_is_refused(simulator):
    response = get(simulator, jobs_path(), auth=AkSkAuth("UNKNOWNAK00000000000", DEMO.secret_key))
    assert_gateway_error(response, 401, "APIGW.0301", "Incorrect IAM authentication information")


def test_wrong_secret_key_is_refused(simulator):
    response = get(simulator, jobs_path(), auth=AkSkAuth(DEMO.access_key, OTHER.secret_key))
    assert_gateway_error(response, 401, "APIGW.0301", "verify aksk signature fail")


def send(prepared):
    with requests.Session() as session:
        return session.send(prepared, timeout=5)


def prepared(sim, params=None, headers=None):
    return requests.Request("GET", sim.url + jobs_path(), params=params, headers=headers, auth=AUTH).prepare()


def test_query_changed_after_signing_is_refused(simulator):
    request = prepared(simulator, {"per_page": "5"})
    request.url = request.url.replace("per_page=5", "per_page=6")
    assert_gateway_error(send(request), 401, "APIGW.0301", "verify aksk signature fail")


def test_path_changed_after_signing_is_refused(simulator):
    request = prepared(simulator)
    request.url = request.url.replace(DEMO.project_id, OTHER.project_id)
    assert_gateway_error(send(request), 401, "APIGW.0301", "verify aksk signature fail")


def test_unsigned_host_is_refused(simulator):
    request = prepared(simulator)
    request.headers["Authorization"] = request.headers["Authorization"].replace("host;", "")
    assert_gateway_error(send(request), 401, "APIGW.0301", "host")


def test_signed_header_missing_from_the_request_is_refused(simulator):
    request = prepared(simulator, headers={"X-Extra": "1"})
    del request.headers["X-Extra"]
    assert_gateway_error(send(request), 401, "APIGW.0301", "x-extra")


@pytest.mark.parametrize("date", [None, "yesterday", "2025-06-01T00:00:00Z"])
def test_missing_or_unparseable_sdk_date_is_refused(simulator, date):
    request = prepared(simulator)
    if date is None:
        del request.headers["X-Sdk-Date"]
    else:
        request.headers["X-Sdk-Date"] = date
    assert_gateway_error(send(request), 401, "APIGW.0301")


@pytest.mark.parametrize("minutes", [16, -16])
def test_request_time_more_than_15_minutes_off_is_refused(simulator, minutes):
    response = get(
        simulator, jobs_path(), auth=AkSkAuth(DEMO.access_key, DEMO.secret_key, clock(timedelta(minutes=minutes)))
    )
    assert_gateway_error(response, 401, "APIGW.0303", "15 minutes")


@pytest.mark.parametrize("minutes", [14, -14])
def test_request_time_within_15_minutes_is_accepted(simulator, minutes):
    response = get(
        simulator, jobs_path(), auth=AkSkAuth(DEMO.access_key, DEMO.secret_key, clock(timedelta(minutes=minutes)))
    )
    assert response.status_code == 200


def test_simulator_clock_offset_counts_too(simulator):
    simulator.clock_offset_seconds = 3600
    assert_gateway_error(get(simulator, jobs_path()), 401, "APIGW.0303")


def test_project_of_another_tenant_is_forbidden(simulator):
    response = get(simulator, jobs_path(OTHER.project_id))
    assert_modelarts_error(response, 403, "ModelArts.0210")
    assert_modelarts_error(
        detail(simulator, seed.DEMO_RUNNING_JOB_ID, auth=AkSkAuth(OTHER.access_key, OTHER.secret_key)),
        403,
        "ModelArts.0210",
    )


# IAM tokens


def test_token_issue_and_use(simulator):
    response = issue_token(simulator)
    assert response.status_code == 201
    token = response.headers["X-Subject-Token"]
    assert len(token) > 500
    body = response.json()["token"]
    assert body["methods"] == ["password"]
    assert body["project"] == {
        "id": DEMO.project_id,
        "name": DEMO.region,
        "domain": {"id": DEMO.domain_id, "name": DEMO.domain_name},
    }
    assert body["user"]["name"] == DEMO.user_name
    expires = datetime.strptime(body["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(hours=24)
    headers = {"X-Auth-Token": token}
    assert get(simulator, jobs_path(), auth=None, headers=headers).json()["job_total_count"] == 60
    assert detail(simulator, seed.DEMO_RUNNING_JOB_ID, auth=None, headers=headers).status_code == 200
    assert_modelarts_error(
        get(simulator, jobs_path(OTHER.project_id), auth=None, headers=headers), 403, "ModelArts.0210"
    )


@pytest.mark.parametrize(
    "body",
    [
        login_body(password="wrong"),
        login_body(OTHER, password=DEMO.password),
        login_body(dataclasses.replace(DEMO, user_name="nobody")),
        login_body(dataclasses.replace(DEMO, domain_name="other-account")),
    ],
)
def test_wrong_credentials_are_refused_with_the_iam_error_shape(simulator, body):
    response = issue_token(simulator, body)
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}
    }
    assert "X-Subject-Token" not in response.headers


def test_project_not_the_users_is_refused(simulator):
    response = issue_token(simulator, login_body(project_id=OTHER.project_id))
    assert response.status_code == 401
    assert response.json()["error"]["title"] == "Unauthorized"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"auth": {}}',
        b'{"auth": {"identity": {"methods": ["token"]}}}',
    ],
)
def test_malformed_login_is_400(simulator, body):
    response = requests.post(simulator.url + "/v3/auth/tokens", data=body, timeout=5)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 400


def test_login_without_project_scope_is_400(simulator):
    body = login_body()
    del body["auth"]["scope"]
    assert issue_token(simulator, body).status_code == 400


def test_expired_and_unknown_tokens_are_refused(simulator):
    token = issue_token(simulator).headers["X-Subject-Token"]
    simulator.expire_tokens()
    response = get(simulator, jobs_path(), auth=None, headers={"X-Auth-Token": token})
    assert_gateway_error(response, 401, "APIGW.0301", "token expires")
    response = get(simulator, jobs_path(), auth=None, headers={"X-Auth-Token": "MIIbogus"})
    assert_gateway_error(response, 401, "APIGW.0301", "decrypt token fail")
    fresh = issue_token(simulator).headers["X-Subject-Token"]  # a new login works again
    assert get(simulator, jobs_path(), auth=None, headers={"X-Auth-Token": fresh}).status_code == 200


def test_token_lifetime_setting(simulator):
    simulator.token_ttl_seconds = 0
    token = issue_token(simulator).headers["X-Subject-Token"]
    assert_gateway_error(get(simulator, jobs_path(), auth=None, headers={"X-Auth-Token": token}), 401, "APIGW.0301")


# Faults


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("http_500", 500, "ModelArts.0010"),
        ("rate_limit", 429, "ModelArts.6101"),
    ],
)
def test_modelarts_error_faults(simulator, kind, status, code):
    simulator.add_fault(kind)
    assert_modelarts_error(get(simulator, jobs_path()), status, code)
    assert_modelarts_error(detail(simulator, seed.DEMO_RUNNING_JOB_ID), status, code)


@pytest.mark.parametrize("kind", ["http_502", "http_504"])
def test_gateway_error_faults(simulator, kind):
    simulator.add_fault(kind)
    assert_gateway_error(get(simulator, jobs_path()), int(kind[-3:]), "APIGW.0201", "Backend")


@pytest.mark.parametrize(("kind", "status"), [("html", 502), ("http_503", 503)])
def test_proxy_html_faults(simulator, kind, status):
    simulator.add_fault(kind)
    response = get(simulator, jobs_path())
    assert response.status_code == status
    assert response.headers["Content-Type"] == "text/html"
    assert response.text.startswith("<html>") and "nginx" in response.text


def test_fault_times_then_success(simulator):
    simulator.add_fault("http_503", times=2)
    assert [get(simulator, jobs_path()).status_code for _ in range(3)] == [503, 503, 200]


def test_rate_limit_retry_after(simulator):
    simulator.add_fault("rate_limit", retry_after=7, times=1)
    assert get(simulator, jobs_path()).headers["Retry-After"] == "7"
    simulator.add_fault("rate_limit", times=1)
    assert get(simulator, jobs_path()).headers["Retry-After"] == "1"


def test_reset_fault_drops_the_connection(simulator):
    simulator.add_fault("reset", times=1)
    with pytest.raises(requests.ConnectionError):
        get(simulator, jobs_path())
    assert get(simulator, jobs_path()).status_code == 200


def test_timeout_fault(simulator):
    simulator.add_fault("timeout", delay_ms=300, times=1)
    with pytest.raises(requests.Timeout):
        get(simulator, jobs_path(), timeout=0.1)
    assert get(simulator, jobs_path(), timeout=5).status_code == 200  # the fault was used up


def test_slow_fault_and_latency_delay_then_answer(simulator):
    simulator.add_fault("slow", delay_ms=150, times=1)
    started = time.monotonic()
    assert get(simulator, jobs_path()).status_code == 200
    assert time.monotonic() - started >= 0.15
    simulator.latency_ms = 100
    started = time.monotonic()
    assert get(simulator, jobs_path()).status_code == 200
    assert time.monotonic() - started >= 0.1


def test_route_latency_delays_its_route_on_top_of_the_common_latency(simulator):
    simulator.list_latency_ms = 300
    started = time.monotonic()
    assert detail(simulator, seed.DEMO_RUNNING_JOB_ID).status_code == 200
    assert time.monotonic() - started < 0.3
    started = time.monotonic()
    assert get(simulator, jobs_path()).status_code == 200
    assert time.monotonic() - started >= 0.3
    simulator.list_latency_ms, simulator.latency_ms, simulator.detail_latency_ms = 0, 100, 150
    started = time.monotonic()
    assert detail(simulator, seed.DEMO_RUNNING_JOB_ID).status_code == 200
    assert time.monotonic() - started >= 0.25


def test_route_latency_applies_to_token_calls_too(simulator):
    simulator.token_latency_ms = 200
    started = time.monotonic()
    assert issue_token(simulator).status_code == 201
    assert time.monotonic() - started >= 0.2


def test_malformed_json_fault(simulator):
    simulator.add_fault("malformed_json")
    response = get(simulator, jobs_path())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        response.json()


def test_wrong_types_fault(simulator):
    simulator.add_fault("wrong_types")
    listed = list_jobs(simulator)
    assert listed["is_success"] is True and not isinstance(listed["jobs"], list)
    job = detail(simulator, seed.DEMO_RUNNING_JOB_ID).json()
    assert job["status"] == "abc" and job["job_id"] is None


def test_deeply_nested_fault(simulator):
    simulator.add_fault("deeply_nested", depth=5000)
    response = detail(simulator, seed.DEMO_RUNNING_JOB_ID)
    assert response.status_code == 200
    text = response.text
    assert text.count('{"schedule": ') == 4999 and text.endswith("}" * 5000)
    assert f'"job_id": {seed.DEMO_RUNNING_JOB_ID},' in text  # the job asked for
    assert get(simulator, jobs_path()).text.count('{"schedule": ') == 4999


def test_deeply_nested_fault_default_depth_is_800(simulator):
    simulator.add_fault("deeply_nested")
    schedule = list_jobs(simulator)["jobs"][0]["schedule"]  # 800 levels still parse here, at a shallow stack
    depth = 1
    while "schedule" in schedule:
        schedule, depth = schedule["schedule"], depth + 1
    assert (depth, schedule) == (800, {"type": "stop"})


def test_huge_fault(simulator):
    simulator.add_fault("huge", size_bytes=3_000_000)
    response = detail(simulator, seed.DEMO_RUNNING_JOB_ID)
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) > 3_000_000
    assert len(response.json()["job_desc"]) == 3_000_000
    assert len(list_jobs(simulator)["jobs"][0]["job_desc"]) == 3_000_000


def test_body_faults_spare_the_token_route(simulator):
    for kind in ("deeply_nested", "huge"):
        simulator.add_fault(kind)
    assert issue_token(simulator).status_code == 201


def test_is_success_false_fault(simulator):
    simulator.add_fault("is_success_false")
    response = detail(simulator, seed.DEMO_RUNNING_JOB_ID)
    assert response.status_code == 200
    assert_modelarts_error(response, 200, "ModelArts.0010", "error_message")


def test_explicit_error_fault(simulator):
    simulator.add_fault("error", http_status=403, error_code="ModelArts.0108", error_msg="Not allowed.", times=1)
    assert assert_modelarts_error(get(simulator, jobs_path()), 403, "ModelArts.0108") == "Not allowed."
    simulator.add_fault("error", http_status=401, error_code="APIGW.0302", error_msg="Denied.", times=1)
    assert_gateway_error(get(simulator, jobs_path()), 401, "APIGW.0302", "Denied.")


def test_fault_limited_to_a_job(simulator):
    simulator.add_fault("http_500", job_id=seed.DEMO_UNICODE_JOB_ID)
    assert detail(simulator, seed.DEMO_UNICODE_JOB_ID).status_code == 500
    assert detail(simulator, seed.DEMO_HTML_JOB_ID).status_code == 200
    assert get(simulator, jobs_path()).status_code == 200


def test_fault_limited_to_a_route(simulator):
    simulator.add_fault("http_500", route="list")
    assert get(simulator, jobs_path()).status_code == 500
    assert detail(simulator, seed.DEMO_HTML_JOB_ID).status_code == 200
    assert issue_token(simulator).status_code == 201


def test_proxy_faults_come_before_authentication(simulator):
    simulator.add_fault("http_503", times=1)
    assert get(simulator, jobs_path(), auth=None).status_code == 503


def test_service_faults_come_after_authentication_and_are_not_used_up_by_refusals(simulator):
    simulator.add_fault("http_500", times=1)
    assert get(simulator, jobs_path(), auth=None).status_code == 401
    assert get(simulator, jobs_path()).status_code == 500
    assert get(simulator, jobs_path()).status_code == 200


def test_faults_on_the_token_route(simulator):
    simulator.add_fault("wrong_types")  # a ModelArts body: never on IAM
    assert issue_token(simulator).status_code == 201
    simulator.add_fault("http_500", route="token", times=1)
    assert issue_token(simulator).status_code == 500
    assert issue_token(simulator).status_code == 201


def test_clear_faults(simulator):
    simulator.add_fault("http_500")
    simulator.clear_faults()
    assert get(simulator, jobs_path()).status_code == 200


@pytest.mark.parametrize(
    "arguments",
    [
        {"kind": "explode"},
        {"kind": "http_500", "route": "jobs"},
        {"kind": "http_500", "job_id": 1, "route": "list"},
        {"kind": "http_500", "times": 0},
        {"kind": "error"},
    ],
)
def test_impossible_faults_are_refused(simulator, arguments):
    with pytest.raises(ValueError):
        simulator.add_fault(**arguments)


# Seeded data


def all_demo_jobs(sim):
    return {number(job["job_id"]): job for job in list_jobs(sim, per_page=1000)["jobs"]}


def test_every_status_is_seeded(simulator):
    statuses = {number(job["status"]) for job in all_demo_jobs(simulator).values()}
    assert set(range(23)) | {99} <= statuses
    for status, job_id in seed.DEMO_STATUS_JOB_IDS.items():
        assert number(detail(simulator, job_id).json()["status"]) == status


def test_special_jobs(simulator):
    jobs = all_demo_jobs(simulator)
    assert set(seed.DEMO_CURATED_JOB_IDS) <= set(jobs)
    assert not jobs[seed.DEMO_UNICODE_JOB_ID]["job_name"].isascii()
    assert "<script>alert(1)</script>" in jobs[seed.DEMO_HTML_JOB_ID]["job_name"]
    assert len(jobs[seed.DEMO_LONG_DESC_JOB_ID]["job_desc"]) == 256
    unsafe = jobs[seed.DEMO_UNSAFE_SERVICE_URL_JOB_ID]
    assert unsafe["status"] == 8 and not unsafe["service_url"].startswith(("http://", "https://"))
    assert jobs[seed.DEMO_UNKNOWN_STATUS_JOB_ID]["status"] == 99
    stringly = jobs[seed.DEMO_STRING_NUMBERS_JOB_ID]
    assert all(isinstance(stringly[name], str) for name in ("job_id", "status", "create_time", "duration"))
    assert not {"job_desc", "service_url"} & set(jobs[seed.DEMO_MISSING_FIELDS_JOB_ID])
    for job_id in seed.DEMO_RUNNING_JOB_IDS:
        assert jobs[job_id]["service_url"].startswith("https://")
    for job in jobs.values():
        if number(job["status"]) not in (8, 15, 19):
            assert job.get("service_url", "") == ""
    assert any("remaining_duration" in job for job in jobs.values())
    assert not all("remaining_duration" in job for job in jobs.values())


def test_tenants_look_real():
    for tenant in seed.TENANTS:
        assert len(tenant.project_id) == 32 and int(tenant.project_id, 16) >= 0
        assert tenant.project_id == tenant.project_id.lower()
        assert len(tenant.access_key) == 20 and tenant.access_key.isalnum() and tenant.access_key.isupper()
        assert len(tenant.secret_key) == 40 and tenant.secret_key.isalnum()
        assert tenant.region == "cn-north-4"
    assert len({tenant.project_id for tenant in seed.TENANTS}) == len(seed.TENANTS)


def test_same_seed_same_jobs_other_seed_other_jobs(simulator):
    """Apart from their times, which follow the clock at which each simulator seeded them
    (tests/test_demo_clock.py)."""
    clock_fields = ("create_time", "duration", "remaining_duration")

    def jobs_of(sim):
        answer = requests.get(sim.url + jobs_path(), params={"per_page": 1000}, auth=AUTH, timeout=5).json()
        jobs = [{name: value for name, value in job.items() if name not in clock_fields} for job in answer["jobs"]]
        return {**answer, "jobs": jobs}

    twin, stranger = Simulator(seed=1), Simulator(seed=2)
    for sim in (twin, stranger):
        sim.start()
    try:
        assert jobs_of(twin) == jobs_of(simulator)
        assert jobs_of(stranger) != jobs_of(simulator)
        assert set(seed.DEMO_CURATED_JOB_IDS) <= {number(job["job_id"]) for job in jobs_of(stranger)["jobs"]}
    finally:
        twin.stop()
        stranger.stop()


def test_set_job_changes_and_inserts(simulator):
    served = simulator.set_job(DEMO.project_id, seed.DEMO_HTML_JOB_ID, status=8, service_url="https://x.example/")
    assert served["status"] == 8
    assert detail(simulator, seed.DEMO_HTML_JOB_ID).json()["service_url"] == "https://x.example/"
    simulator.set_job(DEMO.project_id, 777777, job_name="inserted")
    assert detail(simulator, 777777).json()["job_name"] == "inserted"
    assert list_jobs(simulator)["job_total_count"] == 61
    with pytest.raises(KeyError):
        simulator.set_job("0" * 32, 1, status=1)
    with pytest.raises(ValueError):
        simulator.set_job(DEMO.project_id, 1, job_id=2)


def test_set_job_count_and_paging_through_thousands(simulator):
    simulator.set_job_count(DEMO.project_id, 2500)
    pages = [list_jobs(simulator, per_page=1000, page=page) for page in (1, 2, 3, 4)]
    assert [len(page["jobs"]) for page in pages] == [1000, 1000, 500, 0]
    ids = [number(job["job_id"]) for page in pages for job in page["jobs"]]
    assert len(set(ids)) == 2500 and ids == sorted(ids)
    assert all(10_000 <= job_id < 1_000_000 for job_id in ids)
    simulator.set_job_count(DEMO.project_id, 0)
    assert list_jobs(simulator)["jobs"] == []


# Control over HTTP


def control(sim, method, path, json=None):
    return requests.request(method, f"{sim.url}/_simulator/{path}", json=json, timeout=5)


def test_http_control_endpoints(simulator):
    assert control(simulator, "PUT", "settings", {"max_per_page": 100, "latency_ms": 0}).json()["max_per_page"] == 100
    assert get(simulator, jobs_path(), {"per_page": 101}).status_code == 400

    assert control(simulator, "POST", "faults", {"kind": "http_500", "times": 1, "route": "list"}).status_code == 200
    assert get(simulator, jobs_path()).status_code == 500
    control(simulator, "POST", "faults", {"kind": "rate_limit", "retry_after": 3})
    assert get(simulator, jobs_path()).headers["Retry-After"] == "3"
    assert control(simulator, "DELETE", "faults").status_code == 200
    assert get(simulator, jobs_path()).status_code == 200

    patched = control(simulator, "PATCH", f"projects/{DEMO.project_id}/jobs/{seed.DEMO_HTML_JOB_ID}", {"status": 22})
    assert patched.json()["status"] == 22
    assert detail(simulator, seed.DEMO_HTML_JOB_ID).json()["status"] == 22

    assert control(simulator, "PUT", f"projects/{DEMO.project_id}/job-count", {"count": 5}).status_code == 200
    assert list_jobs(simulator)["job_total_count"] == 5

    token = issue_token(simulator).headers["X-Subject-Token"]
    assert control(simulator, "POST", "tokens/expire").status_code == 200
    assert get(simulator, jobs_path(), auth=None, headers={"X-Auth-Token": token}).status_code == 401

    assert control(simulator, "GET", "calls").json() == {
        **dict.fromkeys(("create", "update", "stop", "restart", "delete"), 0),
        **{"detail": 1, "list": 6, "token": 1},
    }

    settings = control(simulator, "PUT", "settings", {"list_latency_ms": 1000, "detail_latency_ms": 9000}).json()
    assert (settings["list_latency_ms"], settings["detail_latency_ms"], settings["token_latency_ms"]) == (1000, 9000, 0)

    assert control(simulator, "POST", "reset").status_code == 200
    assert simulator.max_per_page == 1000
    assert simulator.list_latency_ms == simulator.detail_latency_ms == 0
    assert list_jobs(simulator, per_page=101)["job_total_count"] == 60
    assert control(simulator, "GET", "calls").json()["list"] == 1
    assert sum(control(simulator, "GET", "calls").json().values()) == 1


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "faults", {"kind": "explode"}, 400),
        ("POST", "faults", {"route": "list"}, 400),
        ("POST", "faults", [1], 400),
        ("PUT", "settings", {"speed": 1}, 400),
        ("PUT", "settings", {"latency_ms": "fast"}, 400),
        ("PUT", f"projects/{DEMO.project_id}/job-count", {"count": -1}, 400),
        ("PUT", f"projects/{'0' * 32}/job-count", {"count": 1}, 404),
        ("PATCH", f"projects/{'0' * 32}/jobs/1", {"status": 1}, 404),
        ("PATCH", f"projects/{DEMO.project_id}/jobs/1", {"job_id": 2}, 400),
        ("GET", "nothing", None, 404),
    ],
)
def test_http_control_refusals(simulator, method, path, body, status):
    response = control(simulator, method, path, body)
    assert response.status_code == status
    assert response.json()["error"]


def test_http_control_refuses_a_body_that_is_not_json(simulator):
    response = requests.post(simulator.url + "/_simulator/faults", data=b"{", timeout=5)
    assert response.status_code == 400


# Routing, counting, connections


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/v2/visualization-jobs"),
        ("GET", f"/v1/{DEMO.project_id}/training-jobs"),
        ("GET", f"{jobs_path()}/1/stop"),
        ("POST", f"{jobs_path()}/1/pause"),
        ("PUT", f"{jobs_path()}/1/restart"),
        ("PATCH", jobs_path(job_id=seed.DEMO_HTML_JOB_ID)),
        ("DELETE", jobs_path()),
        ("PUT", jobs_path()),
        ("GET", "/v3/auth/tokens"),
    ],
)
def test_unknown_api_is_apigw_0101(simulator, method, path):
    response = requests.request(method, simulator.url + path, auth=AUTH, timeout=5)
    assert_gateway_error(response, 404, "APIGW.0101", "The API does not exist")


def test_calls_are_counted_by_route_refused_or_not(simulator):
    issue_token(simulator)
    get(simulator, jobs_path())
    get(simulator, jobs_path(), auth=None)
    detail(simulator, 1)
    get(simulator, "/nowhere")
    assert simulator.calls == {"token": 1, "list": 2, "detail": 1}


def test_keep_alive_with_content_length_on_every_reply(simulator):
    connection = http.client.HTTPConnection(simulator.url.removeprefix("http://"), timeout=5)
    try:
        for path in ("/nowhere", jobs_path(), "/_simulator/calls"):
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            assert response.version == 11
            assert int(response.headers["Content-Length"]) == len(body)
            assert response.headers["X-Request-Id"]
            assert not response.will_close
    finally:
        connection.close()


def test_concurrent_calls_and_changes(simulator):
    def call(index):
        simulator.set_job(DEMO.project_id, seed.DEMO_HTML_JOB_ID, duration=index)
        with requests.Session() as session:
            return [session.get(simulator.url + jobs_path(), auth=AUTH, timeout=5).status_code for _ in range(5)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = [status for statuses in pool.map(call, range(32)) for status in statuses]
    assert statuses == [200] * 160
    assert simulator.calls["list"] == 160


# Command line


def test_fault_arguments():
    slow = parse_fault("slow:delay_ms=800,note=x")
    assert (slow.kind, slow.params) == ("slow", {"delay_ms": 800, "note": "x"})
    job_fault = parse_job_fault("10101=http_500")
    assert (job_fault.kind, job_fault.job_id) == ("http_500", "10101")
    for bad in ("explode", "slow:delay_ms"):
        with pytest.raises(ValueError):
            parse_fault(bad)
    with pytest.raises(ValueError):
        parse_job_fault("http_500")
    args = build_parser().parse_args(["--port", "0", "--fault", "http_503", "--fault-job", "10101=reset"])
    assert [fault.kind for fault in args.fault + args.fault_job] == ["http_503", "reset"]
    args = build_parser().parse_args(["--list-latency-ms", "1000", "--detail-latency-ms", "9000", "--projects", "20"])
    assert (args.list_latency_ms, args.detail_latency_ms, args.token_latency_ms, args.projects) == (1000, 9000, 0, 20)


def test_command_line_serves_until_ctrl_c():
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--port", "0", "--jobs", "3"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert DEMO.project_id in line
        url = line.split()[3]
        response = requests.get(url + jobs_path(), auth=AUTH, timeout=5)
        assert response.json()["job_total_count"] == 3
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in stderr


def test_non_ascii_signature_is_refused_not_a_crash(simulator):
    request = prepared(simulator)
    authorization = request.headers["Authorization"]
    request.headers["Authorization"] = authorization[: authorization.index("Signature=")] + "Signature=" + "ü" * 64
    assert_gateway_error(send(request), 401, "APIGW.0301", "verify aksk signature fail")


def test_reset_brings_back_the_starting_faults():
    sim = Simulator(faults=[parse_fault("http_503")])
    sim.start()
    try:
        assert get(sim, jobs_path()).status_code == 503
        sim.clear_faults()
        assert get(sim, jobs_path()).status_code == 200
        sim.reset()
        assert get(sim, jobs_path()).status_code == 503
    finally:
        sim.stop()
