"""The simulator's multi-project account: one AK/SK reaching several projects, each with its own jobs, as
one key pair reaches every project of a Huawei Cloud account. The gateway stays as strict as for one project."""

import subprocess
import sys
from pathlib import Path

import pytest
import requests

from modelarts.signing import AkSkAuth
from simulator import seed
from simulator.seed import DEMO
from simulator.server import Simulator

PROJECTS = 3
ACCOUNT = seed.account(PROJECTS)
ACCOUNT_AUTH = AkSkAuth(ACCOUNT.access_key, ACCOUNT.secret_key)
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def account_server():
    sim = Simulator(port=0, jobs_per_project=20, projects=PROJECTS)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def sim(account_server):
    account_server.reset()
    return account_server


def list_jobs(sim, project_id, auth=ACCOUNT_AUTH, headers=None):
    return requests.get(f"{sim.url}/v1/{project_id}/visualization-jobs", auth=auth, headers=headers, timeout=5)


def job_ids(response):
    assert response.status_code == 200, response.text
    return {int(job["job_id"]) for job in response.json()["jobs"]}


def login(sim, project_id, password=ACCOUNT.password):
    user = {"name": ACCOUNT.user_name, "password": password, "domain": {"name": ACCOUNT.domain_name}}
    body = {
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": user}},
            "scope": {"project": {"id": project_id}},
        }
    }
    return requests.post(f"{sim.url}/v3/auth/tokens", json=body, timeout=5)


def test_the_account_has_the_asked_number_of_projects_with_distinct_ids():
    assert len(ACCOUNT.project_ids) == len(set(ACCOUNT.project_ids)) == PROJECTS
    assert ACCOUNT.project_id == ACCOUNT.project_ids[0]
    assert DEMO.project_ids == (DEMO.project_id,)
    with pytest.raises(ValueError):
        seed.account(0)


def test_one_key_pair_lists_each_project_with_its_own_jobs(sim):
    lists = [job_ids(list_jobs(sim, project_id)) for project_id in ACCOUNT.project_ids]

    assert all(len(ids) == 10 for ids in lists)  # the first page of 20 jobs
    assert len(set().union(*lists)) == 10 * PROJECTS
    job_id = min(lists[2])
    detail = f"{sim.url}/v1/{ACCOUNT.project_ids[2]}/visualization-jobs/{job_id}"
    assert requests.get(detail, auth=ACCOUNT_AUTH, timeout=5).status_code == 200


def test_each_project_is_seeded_and_counted_on_its_own(sim):
    sim.set_job_count(ACCOUNT.project_ids[1], 1234)

    assert len(sim.job_ids(ACCOUNT.project_ids[1])) == 1234
    assert len(sim.job_ids(ACCOUNT.project_ids[0])) == 20
    assert list_jobs(sim, ACCOUNT.project_ids[1]).json()["job_total_count"] == 1234


def test_the_account_key_is_refused_outside_its_projects_and_others_inside(sim):
    refused = list_jobs(sim, DEMO.project_id)
    assert refused.status_code == 403
    assert refused.json()["error_code"] == "ModelArts.0210"
    demo_key = AkSkAuth(DEMO.access_key, DEMO.secret_key)
    assert list_jobs(sim, ACCOUNT.project_ids[1], auth=demo_key).status_code == 403


def test_the_signature_is_still_checked(sim):
    wrong = list_jobs(sim, ACCOUNT.project_ids[1], auth=AkSkAuth(ACCOUNT.access_key, DEMO.secret_key))

    assert wrong.status_code == 401
    assert "verify aksk signature fail" in wrong.json()["error_msg"]


def test_a_token_reaches_only_the_project_it_was_scoped_to(sim):
    issued = login(sim, ACCOUNT.project_ids[1])
    assert issued.status_code == 201
    token = {"X-Auth-Token": issued.headers["X-Subject-Token"]}

    assert list_jobs(sim, ACCOUNT.project_ids[1], auth=None, headers=token).status_code == 200
    assert list_jobs(sim, ACCOUNT.project_ids[0], auth=None, headers=token).status_code == 403
    assert login(sim, DEMO.project_id).status_code == 401
    assert login(sim, ACCOUNT.project_ids[0], password="wrong").status_code == 401


def test_without_projects_the_account_is_unknown(simulator):
    refused = list_jobs(simulator, ACCOUNT.project_id)

    assert refused.status_code == 401
    assert "access key not found" in refused.json()["error_msg"]


def test_command_line_serves_the_account():
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--port", "0", "--jobs", "3", "--projects", "2"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[3]
        assert ACCOUNT.access_key in process.stdout.readline()
        second = seed.account(2).project_ids[1]
        response = requests.get(f"{url}/v1/{second}/visualization-jobs", auth=ACCOUNT_AUTH, timeout=5)
        assert response.json()["job_total_count"] == 3
    finally:
        process.kill()
        process.communicate(timeout=10)
