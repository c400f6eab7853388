"""The project list page: /projects/<project_id>/visualization-jobs/ (cached rows, query-string controls)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.test import Client
from django.utils import timezone

from jobs.listing import ListQueryForm
from jobs.models import CachedJob, JobListRefresh
from tests.conftest import PROJECT_A, PROJECT_B, list_answer, make_job, store_list

pytestmark = pytest.mark.django_db

LIST_URL = f"/projects/{PROJECT_A}/visualization-jobs/"
UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"


def created(day: int) -> datetime:
    return datetime(2026, 1, day, tzinfo=UTC)


@pytest.fixture
def jobs(alice_credential):
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
                job_desc="long " * 40,
            ),
            make_job(
                102,
                job_name="bert-viz",
                status=8,
                create_time=created(2),
                duration_ms=3_600_000,
                service_url="https://tb.example.com/102/",
            ),
            make_job(103, job_name="yolo", status=10, create_time=created(3), duration_ms=7_200_000),
            make_job(104, job_name="图像分类", status=11, create_time=created(4), duration_ms=60_000),
            make_job(105, job_name="unknown-one", status=99, create_time=None, duration_ms=None),
        ],
        fetched_at=timezone.now() - timedelta(minutes=1),  # fresh, and long enough ago to refresh again
    )


def names(response) -> list[str]:
    return re.findall(
        r'<td><a href="/projects/[0-9a-f]{32}/visualization-jobs/\d+/">([^<]+)</a></td>', response.content.decode()
    )


def test_shows_the_cached_rows_newest_first(alice_client, jobs):
    response = alice_client.get(LIST_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert names(response) == ["图像分类", "yolo", "bert-viz", "ResNet-TB", "unknown-one"]
    assert "Running · <code>JOBSTAT_RUNNING</code>" in html
    assert "Unknown status (99)" in html
    assert html.count("Open TensorBoard") == 2
    assert "List fetched" in html
    assert 'name="job_id"' in html  # the lookup form is there too


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "resnet"}, ["ResNet-TB"]),
        ({"q": "VIZ"}, ["bert-viz"]),
        ({"q": "103"}, ["yolo"]),
        ({"q": "图像"}, ["图像分类"]),
        ({"group": "running"}, ["bert-viz", "ResNet-TB"]),
        ({"group": "failed"}, ["图像分类"]),
        ({"status": "10"}, ["yolo"]),
        ({"status": "99"}, ["unknown-one"]),
        ({"long_running": "1"}, ["ResNet-TB"]),
        ({"long_running": "on"}, ["ResNet-TB"]),  # the checkbox
        ({"long_running": "yes"}, ["ResNet-TB"]),  # the page takes yes words; the API only true/false
        ({"q": "yolo\x00"}, []),  # no name holds a NUL: found nothing, not refused
        ({"sort": "name"}, ["bert-viz", "ResNet-TB", "unknown-one", "yolo", "图像分类"]),
        ({"sort": "created"}, ["ResNet-TB", "bert-viz", "yolo", "图像分类", "unknown-one"]),
        ({"sort": "-duration"}, ["ResNet-TB", "yolo", "bert-viz", "图像分类", "unknown-one"]),
        ({"sort": "status"}, ["ResNet-TB", "bert-viz", "yolo", "图像分类", "unknown-one"]),  # ties by job id
        ({"group": "running", "sort": "-name"}, ["ResNet-TB", "bert-viz"]),
    ],
)
def test_search_filter_and_sort(alice_client, jobs, params, expected):
    response = alice_client.get(LIST_URL, params)

    assert response.status_code == 200
    assert names(response) == expected


def test_long_running_jobs_carry_a_badge(alice_client, jobs):
    html = alice_client.get(LIST_URL).content.decode()

    assert html.count("Long-running</span>") == 1
    assert html.count("icons/status.svg#long-running") == 1


def test_pagination_keeps_the_query(alice_client, alice_credential):
    store_list(alice_credential, [make_job(1000 + n, job_name=f"tb-{n:03}", status=8) for n in range(45)])

    response = alice_client.get(LIST_URL, {"q": "tb", "sort": "name", "per_page": "10", "page": "2"})

    html = response.content.decode()
    assert names(response) == [f"tb-{n:03}" for n in range(10, 20)]
    assert "page 2 of 5" in html
    assert 'href="?q=tb&amp;sort=name&amp;per_page=10&amp;page=3"' in html
    assert 'href="?q=tb&amp;sort=name&amp;per_page=10"' in html  # first page: no page parameter
    assert (
        'name="next" value="/projects/'
        + PROJECT_A
        + '/visualization-jobs/?q=tb&amp;sort=name&amp;per_page=10&amp;page=2"'
        in html
    )


def test_query_string_round_trip():
    params = {
        "q": "tb 1",
        "group": "running",
        "status": "8",
        "long_running": "1",
        "sort": "-name",
        "per_page": "50",
        "page": "3",
    }
    form = ListQueryForm(params)
    assert form.is_valid()

    assert form.query().params() == params
    assert ListQueryForm(form.query().params()).query() == form.query()


def test_query_budget_does_not_grow_with_the_list(alice_client, alice_credential, django_assert_max_num_queries):
    store_list(alice_credential, [make_job(5000 + n, status=n % 23) for n in range(500)])
    # 12: the permission to act ("New job", the checkboxes to stop) is two queries, its user's and its groups'.
    with django_assert_max_num_queries(12):
        assert alice_client.get(LIST_URL, {"per_page": "200"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert alice_client.get(LIST_URL, {"q": "job", "group": "failed", "sort": "-duration"}).status_code == 200


@responses.activate
def test_fresh_list_does_not_call_modelarts(alice_client, jobs):
    alice_client.get(LIST_URL)

    assert len(responses.calls) == 0


@responses.activate
def test_stale_list_is_refreshed_when_viewed(alice_client, alice_credential, settings):
    store_list(alice_credential, [make_job(1, job_name="old")], fetched_at=timezone.now() - timedelta(minutes=10))
    responses.get(
        UPSTREAM, json=list_answer({"job_id": 2, "job_name": "new", "status": 8, "create_time": 1700000000000})
    )

    response = alice_client.get(LIST_URL)

    assert names(response) == ["new"]
    assert len(responses.calls) == 1


@responses.activate
def test_failed_refresh_shows_the_error_beside_the_last_list(alice_client, alice_credential):
    store_list(alice_credential, [make_job(1, job_name="kept")], fetched_at=timezone.now() - timedelta(hours=1))
    responses.get(UPSTREAM, status=403, json={"error_code": "ModelArts.0108", "error_msg": "denied"})

    response = alice_client.get(LIST_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert names(response) == ["kept"]
    assert "The last refresh failed" in html
    assert "ModelArts.0108: denied" in html
    assert CachedJob.objects.filter(credential=alice_credential).count() == 1


@responses.activate
def test_failed_first_fetch_is_the_page(alice_client, alice_credential, settings):
    responses.get(UPSTREAM, status=401, json={"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail"})

    response = alice_client.get(LIST_URL)

    assert response.status_code == 502
    assert "APIGW.0301: verify aksk signature fail" in response.content.decode()
    assert "no earlier list" in response.content.decode()


@responses.activate
def test_after_a_failure_page_views_leave_modelarts_alone_for_a_while(alice_client, alice_credential):
    responses.get(UPSTREAM, status=500, json={"error_code": "ModelArts.0010", "error_msg": "internal"})

    alice_client.get(LIST_URL)
    alice_client.get(LIST_URL)

    assert len(responses.calls) == 1


@responses.activate
def test_refresh_now_keeps_the_view(alice_client, jobs):
    responses.get(UPSTREAM, json={"is_success": True, "job_total_count": 0, "jobs": []})
    back = f"{LIST_URL}?q=tb&sort=name"

    response = alice_client.post(f"{LIST_URL}refresh/", {"next": back})

    assert response.status_code == 302
    assert response["Location"] == back
    assert JobListRefresh.objects.get().upstream_calls == 1
    assert not CachedJob.objects.exists()


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)", ""])
@responses.activate
def test_refresh_now_never_redirects_elsewhere(alice_client, jobs, target):
    responses.get(UPSTREAM, json={"is_success": True, "job_total_count": 0, "jobs": []})

    response = alice_client.post(f"{LIST_URL}refresh/", {"next": target})

    assert response["Location"] == LIST_URL


def test_refresh_needs_post_and_csrf(alice, jobs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.get(f"{LIST_URL}refresh/").status_code == 405
    assert client.post(f"{LIST_URL}refresh/").status_code == 403


def test_other_user_gets_404(bob_client, jobs):
    for response in (bob_client.get(LIST_URL), bob_client.post(f"{LIST_URL}refresh/")):
        assert response.status_code == 404
        assert "ResNet-TB" not in response.content.decode()


def test_project_without_credential(alice_client, alice_credential):
    response = alice_client.get(f"/projects/{PROJECT_B}/visualization-jobs/")

    assert response.status_code == 404
    assert f"/credentials/add/?project_id={PROJECT_B}" in response.content.decode()


@pytest.mark.parametrize("project_id", ["short", "Z" * 32, PROJECT_A + "0"])
def test_malformed_project_id_is_404(alice_client, alice_credential, project_id):
    assert alice_client.get(f"/projects/{project_id}/visualization-jobs/").status_code == 404


def test_login_required(client, jobs):
    response = client.get(LIST_URL, {"q": "tb"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={LIST_URL}%3Fq%3Dtb"


def test_the_page_size_control_shows_the_size_in_use(alice_client, jobs):
    html = alice_client.get(LIST_URL).content.decode()

    assert '<option value="25" selected>' in html
    assert '<option value="50" selected>' in alice_client.get(LIST_URL, {"per_page": "50"}).content.decode()
