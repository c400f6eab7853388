"""The JSON list endpoint: /api/projects/<project_id>/visualization-jobs (cached rows, list-page parameters)."""

from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken
from jobs.models import JobListRefresh
from simulator.seed import DEMO
from tests.conftest import PROJECT_A, PROJECT_B, list_answer, make_job, store_list

pytestmark = pytest.mark.django_db

LIST_URL = f"/api/projects/{PROJECT_A}/visualization-jobs"
UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"


def created(day: int) -> datetime:
    return datetime(2026, 1, day, tzinfo=UTC)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def alice_token(alice) -> str:
    return ApiToken.issue(alice, "script")[1]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@pytest.fixture
def fresh(settings):
    """Lists stored by the test count as fresh, so nothing is refreshed behind its back."""
    settings.LIST_TTL = 3600


@pytest.fixture
def fetched_at() -> datetime:
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def jobs(alice_credential, fresh, fetched_at):
    store_list(
        alice_credential,
        [
            make_job(
                101,
                job_name="ResNet-TB",
                status=8,
                create_time=created(1),
                duration_ms=30 * 3_600_000,
                service_url="https://tb.example.com/101/",
                remaining_duration_ms=3_600_000,
            ),
            make_job(102, job_name="bert-viz", status=8, create_time=created(2), duration_ms=3_600_000),
            make_job(103, job_name="yolo", status=10, create_time=created(3), duration_ms=7_200_000),
            make_job(104, job_name="图像分类", status=11, create_time=created(4), duration_ms=60_000),
            make_job(105, job_name="unknown-one", status=99, create_time=None, duration_ms=None),
        ],
        fetched_at=fetched_at,
    )


def names(response) -> list[str]:
    return [job["job_name"] for job in response.json()["jobs"]]


def test_bearer_token_gets_the_cached_list_typed(alice_token, jobs, fetched_at):
    response = Client().get(LIST_URL, headers=bearer(alice_token))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert {key: value for key, value in body.items() if key != "jobs"} == {
        "page": 1,
        "per_page": 25,
        "pages": 1,
        "total": 5,
        "fetched_at": iso(fetched_at),
        "last_error": None,
        "refresh": {
            "state": "idle",
            "queued_at": None,
            "started_at": None,
            "progress": {"pages_fetched": 0, "pages_expected": None},
            "last_error": None,
            "consecutive_failures": 0,
            "failing_since": None,
            "next_try": None,
        },
    }
    assert names(response) == ["图像分类", "yolo", "bert-viz", "ResNet-TB", "unknown-one"]
    assert body["jobs"][3] == {
        "job_id": 101,
        "job_name": "ResNet-TB",
        "job_desc": "",
        "status": 8,
        "status_label": "Running",
        "status_group": "running",
        "create_time": 1767225600000,  # 2026-01-01T00:00:00Z
        "duration": 108000000,
        "train_url": "obs://bucket/101/",
        "service_url": "https://tb.example.com/101/",
        "resource_id": "",
        "remaining_duration": 3600000,
        "fetched_at": iso(fetched_at),
    }
    unknown = body["jobs"][4]
    assert (unknown["status_label"], unknown["status_group"]) == ("Unknown status (99)", "unknown")
    assert (unknown["create_time"], unknown["duration"], unknown["remaining_duration"]) == (None, None, None)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", [LIST_URL, LIST_URL + "/"])
def test_session_works_with_or_without_trailing_slash(alice_client, jobs, path):
    response = alice_client.get(path)

    assert response.status_code == 200
    assert response.json()["total"] == 5


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "resnet"}, ["ResNet-TB"]),
        ({"q": "103"}, ["yolo"]),
        ({"q": "图像"}, ["图像分类"]),
        ({"group": "running"}, ["bert-viz", "ResNet-TB"]),
        ({"status": "10"}, ["yolo"]),
        ({"status": "99"}, ["unknown-one"]),
        ({"long_running": "true"}, ["ResNet-TB"]),
        ({"long_running": "false"}, ["图像分类", "yolo", "bert-viz", "ResNet-TB", "unknown-one"]),
        ({"sort": "name"}, ["bert-viz", "ResNet-TB", "unknown-one", "yolo", "图像分类"]),
        ({"sort": "-duration"}, ["ResNet-TB", "yolo", "bert-viz", "图像分类", "unknown-one"]),
        ({"group": "running", "sort": "-name"}, ["ResNet-TB", "bert-viz"]),
    ],
)
def test_query_parameters_are_those_of_the_list_page(alice_client, jobs, params, expected):
    response = alice_client.get(LIST_URL, params)

    assert response.status_code == 200
    assert names(response) == expected
    assert response.json()["total"] == len(expected)


def test_pagination(alice_client, alice_credential, fresh):
    store_list(alice_credential, [make_job(1000 + n, job_name=f"tb-{n:03}", status=8) for n in range(45)])

    body = alice_client.get(LIST_URL, {"q": "tb", "sort": "name", "per_page": "10", "page": "2"}).json()

    assert [job["job_name"] for job in body["jobs"]] == [f"tb-{n:03}" for n in range(10, 20)]
    assert (body["page"], body["per_page"], body["pages"], body["total"]) == (2, 10, 5, 45)

    last = alice_client.get(LIST_URL, {"per_page": "10", "page": "99"}).json()
    assert (last["page"], len(last["jobs"])) == (5, 5)


def test_an_empty_list_is_one_empty_page(alice_client, alice_credential, fresh):
    store_list(alice_credential, [])

    body = alice_client.get(LIST_URL).json()

    assert (body["jobs"], body["page"], body["pages"], body["total"]) == ([], 1, 1, 0)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 65}, "q"),
        ({"status": "abc"}, "status"),
        ({"status": "99999999999"}, "status"),
        ({"group": "sleeping"}, "group"),
        ({"sort": "evil; drop table"}, "sort"),  # the page corrects these; a script is told
        ({"per_page": "1000000"}, "per_page"),
        ({"page": "0"}, "page"),  # the page shows the first page for these; the description says minimum 1
        ({"page": "-5"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"long_running": "yes"}, "long_running"),  # the page takes yes words too; a script sends true or false
        ({"long_running": "1"}, "long_running"),
        ({"long_running": "on"}, "long_running"),
    ],
)
@responses.activate
def test_invalid_parameters_are_400_with_the_form_errors(alice_client, alice_credential, params, field):
    response = alice_client.get(LIST_URL, params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_query"
    assert list(error["fields"]) == [field]
    assert error["fields"][field][0]["message"]
    assert len(responses.calls) == 0  # checked before any refresh


def test_the_query_is_judged_before_the_project(bob_client, jobs):
    """A 400 depends on the query alone, so it says nothing about whose project this is."""
    response = bob_client.get(LIST_URL, {"page": "0"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page"]


@pytest.mark.parametrize("search", ["\x00", "yolo\x00", "\x00103"])
def test_a_search_with_nul_finds_nothing(alice_client, jobs, search):
    """The description allows any string; no job name can hold a NUL, so nothing matches."""
    response = alice_client.get(LIST_URL, {"q": search})

    assert response.status_code == 200
    assert (response.json()["jobs"], response.json()["total"]) == ([], 0)


def test_query_count_does_not_grow_with_the_list(alice, alice_credential, fresh):
    token = ApiToken.issue(alice, "script")[1]
    store_list(alice_credential, [make_job(5000 + n, status=n % 23) for n in range(500)])
    client = Client()
    client.get(LIST_URL, headers=bearer(token))  # records last_used once

    counts = []
    for params in ({"per_page": "10"}, {"per_page": "200"}, {"q": "job", "group": "failed", "sort": "-duration"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST_URL, params, headers=bearer(token))
        assert response.status_code == 200
        counts.append(len(queries))

    assert len(response.json()["jobs"]) > 0
    assert counts[0] == counts[1] == counts[2] <= 6


@responses.activate
def test_fresh_list_does_not_call_modelarts(alice_client, jobs):
    alice_client.get(LIST_URL)

    assert len(responses.calls) == 0


@responses.activate
def test_stale_list_is_refreshed_first(alice_client, alice_credential):
    store_list(alice_credential, [make_job(1, job_name="old")], fetched_at=timezone.now() - timedelta(minutes=10))
    responses.get(
        UPSTREAM, json=list_answer({"job_id": 2, "job_name": "new", "status": 8, "create_time": 1700000000000})
    )

    response = alice_client.get(LIST_URL)

    assert names(response) == ["new"]
    assert response.json()["jobs"][0]["create_time"] == 1700000000000
    assert len(responses.calls) == 1


@responses.activate
def test_failed_refresh_reports_the_error_beside_the_last_list(alice_client, alice_credential, settings):
    fetched_at = timezone.now() - timedelta(hours=1)
    store_list(alice_credential, [make_job(1, job_name="kept")], fetched_at=fetched_at)
    responses.get(UPSTREAM, status=403, json={"error_code": "ModelArts.0108", "error_msg": "denied"})

    response = alice_client.get(LIST_URL)

    body = response.json()
    assert response.status_code == 200
    assert names(response) == ["kept"]
    assert body["fetched_at"] == iso(fetched_at)
    error = body["last_error"]
    assert error["message"] == "ModelArts.0108: denied"
    assert error["title"] == "The IAM user is not allowed to do this."
    assert error["advice"] and error["at"].endswith("Z")
    assert body["refresh"]["last_error"] == error
    state = JobListRefresh.objects.get(credential=alice_credential)
    assert body["refresh"]["consecutive_failures"] == 1
    assert body["refresh"]["failing_since"] == error["at"] == iso(state.failing_since)
    assert body["refresh"]["next_try"] == iso(state.last_error_at + timedelta(seconds=settings.LIST_TTL))


def test_a_running_refresh_is_reported_with_its_progress(alice_client, alice_credential, jobs, fetched_at):
    queued_at, started_at = fetched_at + timedelta(seconds=1), fetched_at + timedelta(seconds=2)
    JobListRefresh.objects.filter(credential=alice_credential).update(
        queued_at=queued_at, started_at=started_at, pages_fetched=2, pages_expected=5
    )

    response = alice_client.get(LIST_URL)

    assert response.json()["refresh"] == {
        "state": "running",
        "queued_at": iso(queued_at),
        "started_at": iso(started_at),
        "progress": {"pages_fetched": 2, "pages_expected": 5},
        "last_error": None,
        "consecutive_failures": 0,
        "failing_since": None,
        "next_try": None,
    }
    assert names(response)[0] == "图像分类"  # the stored rows meanwhile


def test_a_queued_refresh_is_reported(alice_client, alice_credential, jobs, fetched_at):
    queued_at = fetched_at + timedelta(seconds=1)
    JobListRefresh.objects.filter(credential=alice_credential).update(queued_at=queued_at)

    refresh = alice_client.get(LIST_URL).json()["refresh"]

    assert (refresh["state"], refresh["queued_at"], refresh["started_at"]) == ("queued", iso(queued_at), None)


def test_a_lost_claim_is_not_reported_as_queued(alice_client, alice_credential, jobs, fetched_at, settings):
    lost = fetched_at - timedelta(seconds=settings.LIST_REFRESH_QUEUED_SECONDS + 1)
    JobListRefresh.objects.filter(credential=alice_credential).update(queued_at=lost)

    refresh = alice_client.get(LIST_URL).json()["refresh"]

    assert (refresh["state"], refresh["queued_at"]) == ("idle", None)


@responses.activate
def test_failed_first_fetch_is_a_502(alice_client, alice_credential):
    responses.get(UPSTREAM, status=401, json={"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail"})

    response = alice_client.get(LIST_URL)

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "list_unavailable"
    assert error["message"] == "APIGW.0301: verify aksk signature fail"
    assert error["title"] == "ModelArts did not accept the stored credentials."


def test_no_authentication_is_401(client, jobs):
    response = client.get(LIST_URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401(jobs):
    assert Client().get(LIST_URL, headers=bearer("C" * 43)).status_code == 401


def test_other_user_gets_404(bob, bob_client, jobs):
    bob_token = ApiToken.issue(bob, "bob's script")[1]

    for response in (bob_client.get(LIST_URL), Client().get(LIST_URL, headers=bearer(bob_token))):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert "ResNet-TB" not in response.content.decode()


def test_project_without_credential_is_404(alice_client, jobs):
    response = alice_client.get(f"/api/projects/{PROJECT_B}/visualization-jobs")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_against_the_simulator_over_real_http(alice, simulated_credential):
    token = ApiToken.issue(alice, "integration")[1]

    response = Client().get(
        f"/api/projects/{DEMO.project_id}/visualization-jobs",
        {"group": "running", "per_page": "10"},
        headers=bearer(token),
    )

    body = response.json()
    assert response.status_code == 200
    assert body["total"] > 0 and body["fetched_at"] and body["last_error"] is None
    assert {job["status_group"] for job in body["jobs"]} == {"running"}
    assert all(isinstance(job["job_id"], int) and isinstance(job["status"], int) for job in body["jobs"])
