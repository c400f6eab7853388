"""Where the simulator once differed from the real service, found by pointing third-party ModelArts clients at
it: each difference fixed is held here, against what the reference documents."""

import http.client

import pytest
import requests

from modelarts.client import parse_job
from modelarts.signing import AkSkAuth
from simulator import seed
from simulator.seed import DEMO, OTHER
from simulator.server import Simulator

AUTH = AkSkAuth(DEMO.access_key, DEMO.secret_key)
JOBS_PATH = f"/v1/{DEMO.project_id}/visualization-jobs"


def login(sim, project, tenant=DEMO):
    user = {"name": tenant.user_name, "password": tenant.password, "domain": {"name": tenant.domain_name}}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}, "scope": {"project": project}}}
    return requests.post(f"{sim.url}/v3/auth/tokens", json=body, timeout=5)


def list_with_token(sim, token, project_id=DEMO.project_id):
    url = f"{sim.url}/v1/{project_id}/visualization-jobs"
    return requests.get(url, headers={"X-Auth-Token": token}, timeout=5)


def test_list_errors_name_the_message_error_message_as_the_list_reference_does(simulator):
    response = requests.get(simulator.url + JOBS_PATH, params={"per_page": "0"}, auth=AUTH, timeout=5)
    assert response.status_code == 400
    assert set(response.json()) == {"is_success", "error_code", "error_message"}


def test_some_seeded_jobs_carry_the_schedule_as_the_list_sample_shows_it(simulator):
    jobs = requests.get(simulator.url + JOBS_PATH, params={"per_page": 1000}, auth=AUTH, timeout=5).json()["jobs"]
    schedules = [job["schedule"] for job in jobs if "schedule" in job]

    arrays = [schedule for schedule in schedules if isinstance(schedule, list)]
    assert arrays and any(isinstance(schedule, dict) for schedule in schedules)
    for schedule in arrays:
        assert len(schedule) == 1 and set(schedule[0]) == {"type", "timeUnit", "duration"}
    array_job = next(job for job in jobs if isinstance(job.get("schedule"), list))
    assert parse_job(array_job).schedule == {
        "type": "stop",
        "time_unit": "HOURS",
        "duration": array_job["schedule"][0]["duration"],
    }


def test_the_curated_running_job_keeps_the_reference_tables_object_form(simulator):
    detail = requests.get(f"{simulator.url}{JOBS_PATH}/{seed.DEMO_RUNNING_JOB_ID}", auth=AUTH, timeout=5).json()
    assert detail["schedule"]["time_unit"] == "HOURS"


def test_the_token_answer_has_a_catalog_and_roles(simulator):
    token = login(simulator, {"id": DEMO.project_id}).json()["token"]

    services = {service["type"]: service for service in token["catalog"]}
    assert {"modelarts", "identity"} <= set(services)
    endpoint = services["modelarts"]["endpoints"][0]
    assert (endpoint["interface"], endpoint["region"]) == ("public", DEMO.region)
    assert endpoint["url"] == f"https://modelarts.{DEMO.region}.myhuaweicloud.com"
    assert token["roles"] and all({"id", "name"} <= set(role) for role in token["roles"])


@pytest.mark.parametrize(
    "domain", [{"name": DEMO.domain_name}, {"id": DEMO.domain_id}], ids=["domain name", "domain id"]
)
def test_a_token_scoped_by_project_name_and_domain_is_issued_for_that_project(simulator, domain):
    response = login(simulator, {"name": DEMO.region, "domain": domain})

    assert response.status_code == 201
    assert response.json()["token"]["project"]["id"] == DEMO.project_id
    token = response.headers["X-Subject-Token"]
    assert list_with_token(simulator, token).status_code == 200
    assert list_with_token(simulator, token, OTHER.project_id).status_code == 403


@pytest.mark.parametrize(
    "project",
    [
        {"name": DEMO.region, "domain": {"name": OTHER.domain_name}},
        {"name": DEMO.region, "domain": {"id": OTHER.domain_id}},
        {"name": "cn-east-3", "domain": {"name": DEMO.domain_name}},
    ],
    ids=["another domain's name", "another domain's id", "a project the domain lacks"],
)
def test_a_project_name_outside_the_users_domain_is_refused(simulator, project):
    response = login(simulator, project)
    assert response.status_code == 401
    assert response.json()["error"]["title"] == "Unauthorized"


@pytest.mark.parametrize(
    "project", [{"name": DEMO.region}, {"name": DEMO.region, "domain": {}}, {}], ids=["no domain", "empty", "nothing"]
)
def test_a_project_scope_naming_nothing_is_400(simulator, project):
    assert login(simulator, project).status_code == 400


def test_sub_projects_of_an_account_are_named_after_the_region():
    account = seed.account(3)
    assert [account.project_name(project_id) for project_id in account.project_ids] == [
        account.region,
        f"{account.region}_1",
        f"{account.region}_2",
    ]
    sim = Simulator(port=0, jobs_per_project=1, projects=3)
    sim.start()
    try:
        response = login(sim, {"name": f"{account.region}_2", "domain": {"name": account.domain_name}}, account)
        assert response.json()["token"]["project"] == {
            "id": account.project_ids[2],
            "name": f"{account.region}_2",
            "domain": {"id": account.domain_id, "name": account.domain_name},
        }
    finally:
        sim.stop()


def test_a_request_without_credentials_gets_the_gateways_401_with_a_request_id(simulator):
    response = requests.put(f"{simulator.url}{JOBS_PATH}/{seed.DEMO_HTML_JOB_ID}", json={"job_desc": "x"}, timeout=5)

    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"error_code", "error_msg", "request_id"}
    assert body["error_code"] == "APIGW.0301" and "x-auth-token not found" in body["error_msg"]
    assert body["request_id"] == response.headers["X-Request-Id"]


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_non_ascii_header_values_of_a_write_are_hashed_as_utf8_bytes(simulator, encoding):
    """Signed as UTF-8 and sent so, a write is accepted; the same characters sent as other bytes are refused."""
    prepared = requests.Request(
        "PUT",
        f"{simulator.url}{JOBS_PATH}/{seed.DEMO_HTML_JOB_ID}",
        data='{"job_desc":"可视化"}'.encode(),
        headers={"X-Label": "可视化 ü" if encoding == "utf-8" else "ü"},
        auth=AUTH,
    ).prepare()
    host, port = simulator.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.putrequest("PUT", prepared.path_url, skip_host=True, skip_accept_encoding=True)
        for name, value in prepared.headers.items():
            connection.putheader(name, value.encode(encoding))
        connection.endheaders(prepared.body)
        status = connection.getresponse().status
    finally:
        connection.close()

    assert status == (200 if encoding == "utf-8" else 401)
    detail = requests.get(f"{simulator.url}{JOBS_PATH}/{seed.DEMO_HTML_JOB_ID}", auth=AUTH, timeout=5).json()
    assert (detail["job_desc"] == "可视化") is (encoding == "utf-8")
