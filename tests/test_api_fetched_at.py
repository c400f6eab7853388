"""The JSON API's jobs say when their fields were fetched from ModelArts (fetched_at, ISO 8601 in UTC), as the
job's page does: a job's details when ModelArts answered (shared for a few seconds), a busy server's answer from
the cached list when that row was fetched, and each job of a list when its row was."""

from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from jobs import details, upstream_limit
from tests.conftest import PROJECT_A, make_job, store_list

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
JOB_ID = 10086
ANSWER = {"is_success": True, "job_id": JOB_ID, "job_name": "resnet-tb", "status": 8}
DETAIL = f"/api/projects/{PROJECT_A}/visualization-jobs/{JOB_ID}"
LIST = f"/api/projects/{PROJECT_A}/visualization-jobs"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def now() -> datetime:
    return timezone.now().replace(microsecond=0)


@responses.activate
def test_details_say_when_modelarts_answered_also_when_shared(alice_credential, alice, now):
    responses.get(f"{UPSTREAM}/{JOB_ID}", json=ANSWER)
    token = ApiToken.issue(alice, "script")[1]
    script = Client(headers={"Authorization": f"Bearer {token}"})

    first = script.get(DETAIL).json()
    second = script.get(DETAIL).json()

    assert len(responses.calls) == 1
    assert first["fetched_at"] == second["fetched_at"] == iso(details.get_job(alice_credential, JOB_ID).fetched_at)
    assert now <= datetime.fromisoformat(first["fetched_at"]) <= timezone.now()
    assert "notice" not in first


def test_the_time_is_given_to_the_second_in_utc(alice_client, alice_credential, service_jobs, settings):
    settings.TIME_ZONE = "Asia/Shanghai"  # the pages' time zone; the API answers in UTC whatever it is
    service_jobs.add(make_job(JOB_ID, status=8))
    service_jobs.fetched_at = datetime(2026, 3, 1, 8, 30, 15, 999999, tzinfo=UTC)

    assert alice_client.get(DETAIL).json()["fetched_at"] == "2026-03-01T08:30:15Z"


def test_a_busy_servers_answer_gives_the_rows_time(alice_client, alice_credential, monkeypatch, now):
    listed_at = now - timedelta(minutes=5)
    store_list(alice_credential, [make_job(JOB_ID, status=8)], fetched_at=listed_at)

    def busy(credential, job_id):
        raise upstream_limit.UpstreamBusy(5)

    monkeypatch.setattr(details, "get_job", busy)

    body = alice_client.get(DETAIL).json()

    assert body["fetched_at"] == body["notice"]["fetched_at"] == iso(listed_at)


@responses.activate
def test_each_job_of_a_list_gives_its_rows_time(alice_client, alice_credential, settings, now):
    settings.LIST_TTL = 3600  # the stored list counts as fresh: nothing refreshes it behind the test's back
    listed_at = now - timedelta(minutes=10)
    store_list(alice_credential, [make_job(JOB_ID, status=7), make_job(2, status=10)], fetched_at=listed_at)
    responses.get(f"{UPSTREAM}/{JOB_ID}", json=ANSWER)
    looked_up = alice_client.get(DETAIL).json()["fetched_at"]  # a detail answer updates the job's row

    body = alice_client.get(LIST).json()

    by_id = {job["job_id"]: job for job in body["jobs"]}
    assert body["fetched_at"] == by_id[2]["fetched_at"] == iso(listed_at)
    assert by_id[JOB_ID]["fetched_at"] == looked_up != iso(listed_at)
    assert by_id[JOB_ID]["status"] == 8


def test_another_users_project_is_a_404(bob_client, alice_credential, service_jobs):
    service_jobs.add(make_job(JOB_ID, status=8))

    for url in (DETAIL, LIST):
        response = bob_client.get(url)
        assert response.status_code == 404
        assert "fetched_at" not in response.content.decode()
    assert service_jobs.asked == []
