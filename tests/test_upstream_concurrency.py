"""At most UPSTREAM_CONCURRENCY requests of a process wait on ModelArts at once. One more does not wait: the
detail page and the API answer with the job's cached list row and a notice, or 503 with Retry-After without
one, and "Test connection" tests nothing. Slots are released however a request ends."""

import json
import re
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime

import pytest
import requests
import responses
from django.db import connection
from django.test import Client

from jobs import upstream_limit
from jobs.upstream_limit import slots_in_use, upstream_slot
from tests.conftest import PROJECT_A, make_job, store_list

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
LISTED_AT = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
LISTED, NOT_LISTED = 3, 4  # job 3 is in the project's cached list, job 4 is not


def page(job_id: int) -> str:
    return f"/projects/{PROJECT_A}/visualization-jobs/{job_id}/"


def api(job_id: int) -> str:
    return f"/api/projects/{PROJECT_A}/visualization-jobs/{job_id}"


def upstream_job(job_id: int) -> dict:
    return {"is_success": True, "job_id": job_id, "job_name": f"fresh-{job_id}", "status": 8, "create_time": 0}


@pytest.fixture(autouse=True)
def two_slots(settings):
    settings.UPSTREAM_CONCURRENCY = 2


@pytest.fixture
def listed(alice_credential):
    store_list(alice_credential, [make_job(LISTED, job_name="listed-3", status=7)], fetched_at=LISTED_AT)


@pytest.fixture
def slots_taken(two_slots):
    """Every slot held, as requests waiting on a slow ModelArts hold them."""
    with ExitStack() as stack:
        for _ in range(2):
            stack.enter_context(upstream_slot())
        yield
    assert slots_in_use() == 0


def assert_busy_page(response) -> None:
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "<title>Job 4 · ModelArts dashboard</title>" in html
    assert "ModelArts is slow to answer, and the dashboard is already waiting on it for many requests." in html
    assert "it did not ask ModelArts this time. Try again in a few seconds." in html
    assert f'<a href="{page(NOT_LISTED)}">Try again</a>' in html
    assert 'data-live-interval="5"' in html  # a page polling itself gets the job once ModelArts is free


def assert_listed_row_page(response) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>listed-3 · ModelArts dashboard</title>" in html
    assert re.search(
        r"ModelArts is slow to answer and the dashboard is already waiting on it for many requests, so it did not "
        r"ask\s+about this job: this is the data from the project's list.",
        html,
    )
    assert re.search(
        r"Data from <time datetime=\"2026-03-01T08:30:00Z\"[^>]*>[^<]+</time>, ModelArts did not answer",
        html,
    )
    assert 'data-live-interval="5"' in html  # polls for current details, though the listed job has stopped


def assert_busy_api(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "error": {
            "code": "upstream_busy",
            "message": "ModelArts is slow to answer, and this server is already waiting on it for as many requests "
            "as it lets wait; nothing was asked. Try again in 5 seconds.",
            "title": "ModelArts is slow to answer, and the dashboard is already waiting on it for many requests.",
            "advice": "So that the dashboard stays usable, it did not ask ModelArts this time. Try again in a few "
            "seconds.",
            "retry_after": 5,
        }
    }


def assert_listed_row_api(response) -> None:
    body = response.json()
    assert response.status_code == 200
    assert (body["job_id"], body["job_name"], body["status"]) == (LISTED, "listed-3", 7)
    assert body["notice"]["code"] == "upstream_busy"
    assert body["notice"]["fetched_at"] == body["fetched_at"] == "2026-03-01T08:30:00Z"
    assert body["notice"]["retry_after"] == 5


@pytest.mark.django_db(transaction=True)
@responses.activate
def test_requests_held_by_a_slow_modelarts_take_the_slots_and_the_next_ones_do_not_wait(alice, alice_credential):
    """Two viewers of job 1 hold both slots: one waits for its call, the other for that same call (the single
    flight shares the call, but each waiting request holds a thread all the same)."""
    store_list(alice_credential, [make_job(LISTED, job_name="listed-3", status=7)], fetched_at=LISTED_AT)
    arrived, release, asked = threading.Semaphore(0), threading.Event(), []

    def slow_modelarts(request):
        asked.append(int(request.url.rsplit("/", 1)[1]))
        arrived.release()
        release.wait(20)
        return 200, {}, json.dumps(upstream_job(int(request.url.rsplit("/", 1)[1])))

    responses.add_callback(responses.GET, re.compile(rf"{UPSTREAM}/\d+"), callback=slow_modelarts)
    viewers = [Client() for _ in range(3)]
    for viewer in viewers:
        viewer.force_login(alice)
        viewer.get("/credentials/")  # the session's first touch, a write, before the threads: SQLite has one writer
    statuses = []

    def view(viewer: Client) -> None:
        try:
            statuses.append(viewer.get(page(1)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=view, args=(viewer,)) for viewer in viewers[:2]]
    for thread in threads:
        thread.start()
    try:
        assert arrived.acquire(timeout=10), "the first request reached ModelArts"
        deadline = time.monotonic() + 10
        while slots_in_use() < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert slots_in_use() == 2

        assert_listed_row_page(viewers[2].get(page(LISTED)))
        assert_busy_page(viewers[2].get(page(NOT_LISTED)))
        assert_listed_row_api(viewers[2].get(api(LISTED)))
        assert_busy_api(viewers[2].get(api(NOT_LISTED)))
        assert asked == [1]  # one call, shared by the two held requests
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=20)

    assert statuses == [200, 200]
    assert asked == [1]
    assert slots_in_use() == 0
    response = viewers[2].get(page(LISTED))  # the slots are free again: the page is current
    assert response.status_code == 200
    assert "fresh-3" in response.content.decode()


def test_a_full_process_answers_the_listed_row_with_a_notice(alice_client, listed, slots_taken):
    with responses.RequestsMock():  # any request would fail the test
        assert_listed_row_page(alice_client.get(page(LISTED)))
        assert_listed_row_api(alice_client.get(api(LISTED)))


def test_a_full_process_answers_503_with_retry_after_for_a_job_not_listed(alice_client, listed, slots_taken):
    with responses.RequestsMock():
        assert_busy_page(alice_client.get(page(NOT_LISTED)))
        assert_busy_api(alice_client.get(api(NOT_LISTED)))


@responses.activate
def test_details_in_the_short_cache_need_no_slot(alice_client, alice_credential, two_slots):
    responses.get(f"{UPSTREAM}/{NOT_LISTED}", json=upstream_job(NOT_LISTED))
    alice_client.get(page(NOT_LISTED))

    with upstream_slot(), upstream_slot():
        response = alice_client.get(page(NOT_LISTED))
        api_response = alice_client.get(api(NOT_LISTED))

    assert response.status_code == 200 and "fresh-4" in response.content.decode()
    assert api_response.status_code == 200 and "notice" not in api_response.json()
    assert len(responses.calls) == 1


@responses.activate
def test_a_lookup_refused_for_want_of_a_slot_costs_no_lookup_from_the_bucket(
    alice_client, alice_credential, settings, clock
):
    settings.DETAIL_LOOKUP_BURST = 1
    responses.get(f"{UPSTREAM}/{NOT_LISTED}", json=upstream_job(NOT_LISTED))
    with upstream_slot(), upstream_slot():
        assert alice_client.get(page(NOT_LISTED)).status_code == 503

    assert alice_client.get(page(NOT_LISTED)).status_code == 200  # the one lookup of the bucket is still there


def test_other_users_still_get_404_from_a_full_process(bob_client, alice_credential, listed, slots_taken):
    assert bob_client.get(page(LISTED)).status_code == 404
    assert bob_client.get(api(LISTED)).status_code == 404


def test_test_connection_tests_nothing_and_says_why(alice_client, alice_credential, slots_taken):
    with responses.RequestsMock():
        response = alice_client.post(f"/credentials/{alice_credential.pk}/test/", follow=True)

    assert response.redirect_chain == [("/credentials/", 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "“alice's project”: not tested. ModelArts is slow to answer, and the dashboard is already waiting on it for "
        "many requests. So that the dashboard stays usable, it did not ask ModelArts this time. Try again in a few "
        "seconds."
    ]
    alice_credential.refresh_from_db()
    assert alice_credential.last_checked_at is None


@pytest.mark.parametrize(
    "answer",
    [
        {"body": requests.ReadTimeout("slow")},
        {"body": requests.ConnectionError("refused")},
        {"status": 500, "body": "<html>oops</html>"},
        {"status": 404, "json": {"error_code": "ModelArts.0104", "error_msg": "job not found"}},
    ],
    ids=["timeout", "connection", "garbled", "not-found"],
)
@responses.activate
def test_slots_are_released_after_modelarts_failures(alice_client, alice_credential, settings, answer):
    settings.MODELARTS_RETRIES = 0
    responses.get(f"{UPSTREAM}/{NOT_LISTED}", **answer)
    responses.get(UPSTREAM, **answer)

    assert alice_client.get(page(NOT_LISTED)).status_code >= 400
    alice_client.post(f"/credentials/{alice_credential.pk}/test/")

    assert slots_in_use() == 0


@responses.activate
def test_slots_are_released_after_the_dashboards_own_failures(alice_client, listed, settings, clock):
    settings.DETAIL_LOOKUP_BURST = 1
    responses.get(f"{UPSTREAM}/{NOT_LISTED}", body=RuntimeError("a bug"))
    with pytest.raises(RuntimeError):
        alice_client.get(page(NOT_LISTED))
    assert alice_client.get(page(5)).status_code == 429  # the bug's lookup took the only one
    settings.CREDENTIAL_KEYS = ["bmV3LWtleS1ub3QtdGhlLW9sZC1vbmUtMDAwMDAwMDA="]  # the secret no longer decrypts
    assert alice_client.get(page(LISTED)).status_code == 503  # listed: no lookup needed, but no secret either

    assert slots_in_use() == 0


def test_the_slot_is_refused_beyond_the_bound_and_returned_on_any_exit(two_slots):
    with pytest.raises(RuntimeError), upstream_slot(), upstream_slot():
        assert slots_in_use() == 2
        with pytest.raises(upstream_limit.UpstreamBusy) as busy:
            with upstream_slot():
                pass  # never entered
        assert busy.value.retry_after == upstream_limit.BUSY_RETRY_AFTER_SECONDS
        raise RuntimeError("whatever ends the block")

    assert slots_in_use() == 0
