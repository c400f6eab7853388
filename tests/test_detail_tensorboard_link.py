""" "Open TensorBoard" only while the job is running (jobs/status.py decides), and only when ModelArts just said
so: data the page shows from the cached list (ModelArts failed, was busy, or no longer knows the job) may be
out of date, and a job that finished since serves nothing. The service URL itself is shown once, as text."""

import re

import pytest
import responses

from jobs import details, upstream_limit
from jobs.status import OPENABLE_STATUSES, STATUSES
from tests.conftest import PROJECT_A, make_job, store_list

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
JOB_ID = 10086
URL = "https://tensorboard.example.com/10086/"
BUTTON = re.compile(
    rf'<a class="button" href="{re.escape(URL)}" target="_blank" rel="noopener noreferrer">Open TensorBoard</a>'
)


def detail_url(job_id=JOB_ID):
    return f"/projects/{PROJECT_A}/visualization-jobs/{job_id}/"


@pytest.mark.parametrize("status", sorted(STATUSES))
def test_the_button_only_in_a_status_the_table_calls_openable(alice_client, alice_credential, service_jobs, status):
    service_jobs.add(make_job(JOB_ID, status=status, service_url=URL))

    html = alice_client.get(detail_url()).content.decode()

    assert bool(BUTTON.search(html)) is (status in OPENABLE_STATUSES)
    assert html.count("Open TensorBoard") == (1 if status in OPENABLE_STATUSES else 0)


def test_a_completed_job_shows_its_service_url_once_and_offers_no_button(alice_client, alice_credential, service_jobs):
    service_jobs.add(make_job(JOB_ID, status=10, service_url=URL))

    html = alice_client.get(detail_url()).content.decode()

    assert "Open TensorBoard" not in html
    assert f'href="{URL}"' not in html
    assert html.count(URL) == 1 and f"<dt>Service URL</dt><dd><code>{URL}</code></dd>" in html


def test_a_running_job_shows_its_service_url_once_beside_the_button(alice_client, alice_credential, service_jobs):
    service_jobs.add(make_job(JOB_ID, status=8, service_url=URL))

    html = alice_client.get(detail_url()).content.decode()

    assert len(BUTTON.findall(html)) == 1
    assert html.count(f">{URL}<") == 1  # the one place it is written out; the button links to it


@responses.activate
def test_no_button_from_the_cached_row_when_modelarts_fails(alice_client, alice_credential):
    store_list(alice_credential, [make_job(JOB_ID, status=8, service_url=URL)])
    responses.get(f"{UPSTREAM}/{JOB_ID}", status=503, json={"error_code": "APIGW.0201", "error_msg": "unavailable"})

    html = alice_client.get(detail_url()).content.decode()

    assert "ModelArts did not answer" in html
    assert "Open TensorBoard" not in html
    assert f"<code>{URL}</code>" in html  # still there to copy


@responses.activate
def test_no_button_for_a_job_modelarts_no_longer_knows(alice_client, alice_credential):
    store_list(alice_credential, [make_job(JOB_ID, status=8, service_url=URL)])
    responses.get(f"{UPSTREAM}/{JOB_ID}", status=404, json={"error_code": "ModelArts.0104", "error_msg": "not exist"})

    html = alice_client.get(detail_url()).content.decode()

    assert "ModelArts no longer knows this job" in html
    assert "Open TensorBoard" not in html


def test_no_button_from_the_cached_row_when_the_server_is_busy(alice_client, alice_credential, monkeypatch):
    store_list(alice_credential, [make_job(JOB_ID, status=8, service_url=URL)])

    def busy(credential, job_id):
        raise upstream_limit.UpstreamBusy(5)

    monkeypatch.setattr(details, "get_job", busy)

    html = alice_client.get(detail_url()).content.decode()

    assert "did not ask" in html
    assert "Open TensorBoard" not in html


@pytest.mark.parametrize("path", ["/", f"/projects/{PROJECT_A}/visualization-jobs/"])
def test_the_lists_link_only_running_jobs(alice_client, alice_credential, path):
    store_list(
        alice_credential,
        [
            make_job(job_id, status=status, service_url=f"https://tb.example.com/{job_id}/")
            for job_id, status in ((1, 8), (2, 10), (3, 15), (4, 9), (5, 12), (6, 11))
        ],
    )

    html = alice_client.get(path).content.decode()

    assert html.count("Open TensorBoard") == 1
    assert 'href="https://tb.example.com/1/"' in html
    for job_id in (2, 3, 4, 5, 6):
        assert f'href="https://tb.example.com/{job_id}/"' not in html


def test_another_users_project_offers_nothing(bob_client, alice_credential, service_jobs):
    service_jobs.add(make_job(JOB_ID, status=8, service_url=URL))

    response = bob_client.get(detail_url())

    assert response.status_code == 404
    assert URL not in response.content.decode()
    assert service_jobs.asked == []
