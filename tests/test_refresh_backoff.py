"""A list whose refreshes keep failing backs off: after each failure in a row the next automatic refresh (page
views, the periodic task) waits twice as long, from LIST_TTL up to LIST_BACKOFF_MAX_SECONDS; a success starts
over. "Refresh now" does not wait for it. Pages and the JSON list say since when it fails and when it is tried
again."""

from datetime import UTC, timedelta
from html import unescape

import pytest
import responses
from django.utils import timezone

from jobs import refresh
from jobs.models import JobListRefresh
from tests.conftest import PROJECT_A, list_answer, make_job, store_list

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
LIST_URL = f"/projects/{PROJECT_A}/visualization-jobs/"
DENIED = {"error_code": "ModelArts.0108", "error_msg": "denied"}


@pytest.fixture(autouse=True)
def _no_cooldown(settings):
    """Refreshes one after another; the back-off, not the cooldown, is what these tests are about."""
    settings.REFRESH_COOLDOWN_SECONDS = 0
    settings.LIST_TTL = 300
    settings.LIST_BACKOFF_MAX_SECONDS = 3600


@pytest.fixture
def failing(alice_credential):
    """A stale list whose refreshes ModelArts refuses."""
    store_list(alice_credential, [make_job(1, job_name="kept")], fetched_at=timezone.now() - timedelta(hours=2))
    responses.get(UPSTREAM, status=403, json=DENIED)
    return alice_credential


def state_of(credential) -> JobListRefresh:
    return JobListRefresh.objects.get(credential=credential)


def failed_ago(credential, seconds: float) -> None:
    """The last failure happened ``seconds`` ago (and with it the last refresh's end)."""
    moment = timezone.now() - timedelta(seconds=seconds)
    JobListRefresh.objects.filter(credential=credential).update(last_error_at=moment, finished_at=moment)


@pytest.mark.parametrize(
    ("failures", "wait"),
    [(1, 300), (2, 600), (3, 1200), (4, 2400), (5, 3600), (6, 3600), (1000, 3600)],
)
def test_the_wait_doubles_after_each_failure_up_to_the_cap(alice_credential, failures, wait):
    failed_at = timezone.now()
    state = JobListRefresh(credential=alice_credential, consecutive_failures=failures, last_error_at=failed_at)

    assert state.next_try == failed_at + timedelta(seconds=wait)


def test_the_cap_is_a_setting(alice_credential, settings):
    settings.LIST_BACKOFF_MAX_SECONDS = 900
    failed_at = timezone.now()
    state = JobListRefresh(credential=alice_credential, consecutive_failures=4, last_error_at=failed_at)

    assert state.next_try == failed_at + timedelta(seconds=900)


def test_a_list_that_did_not_fail_has_no_next_try(alice_credential):
    assert store_list(alice_credential, []).next_try is None


@responses.activate
def test_failures_in_a_row_are_counted_since_the_first(failing):
    refresh.refresh_job_list(failing)
    first = state_of(failing)

    refresh.refresh_job_list(failing)

    state = state_of(failing)
    assert state.consecutive_failures == 2
    assert state.failing_since == first.failing_since == first.last_error_at
    assert state.last_error_at > state.failing_since
    assert state.next_try == state.last_error_at + timedelta(seconds=600)


@responses.activate
def test_a_success_starts_over(failing):
    refresh.refresh_job_list(failing)
    refresh.refresh_job_list(failing)
    responses.replace(responses.GET, UPSTREAM, json=list_answer({"job_id": 2, "job_name": "new", "status": 8}))

    refresh.refresh_job_list(failing)

    state = state_of(failing)
    assert (state.consecutive_failures, state.failing_since, state.next_try, state.last_error) == (0, None, None, "")


@responses.activate
def test_page_views_wait_for_the_next_try(alice_client, failing):
    alice_client.get(LIST_URL)  # the first view of the stale list tries, and fails
    failed_ago(failing, 299)

    alice_client.get(LIST_URL)
    alice_client.get(f"/api/projects/{PROJECT_A}/visualization-jobs")

    assert len(responses.calls) == 1
    assert state_of(failing).consecutive_failures == 1


@responses.activate
def test_a_view_after_the_next_try_tries_again(alice_client, failing):
    alice_client.get(LIST_URL)
    failed_ago(failing, 301)

    alice_client.get(LIST_URL)

    assert len(responses.calls) == 2
    assert state_of(failing).consecutive_failures == 2


@responses.activate
def test_refresh_now_does_not_wait_for_the_back_off(alice_client, failing):
    alice_client.get(LIST_URL)
    alice_client.post(f"{LIST_URL}refresh/")

    assert len(responses.calls) == 2
    assert state_of(failing).consecutive_failures == 2


@responses.activate
def test_refresh_now_still_waits_for_the_cooldown(alice_client, failing, settings):
    settings.REFRESH_COOLDOWN_SECONDS = 30
    alice_client.get(LIST_URL)

    response = alice_client.post(f"{LIST_URL}refresh/", follow=True)

    assert len(responses.calls) == 1
    assert "the last refresh failed" in unescape(response.content.decode())


def utc(moment) -> str:
    """How pages write a time in a <time> element's datetime attribute (jobs_tags.timestamp)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


@responses.activate
@pytest.mark.parametrize("page", [LIST_URL, "/"])
def test_the_project_page_and_the_overview_say_since_when_and_the_next_try(alice_client, failing, page):
    alice_client.get(LIST_URL)
    state = state_of(failing)

    text = unescape(alice_client.get(page).content.decode())

    assert "Refreshing this list has failed since" in text
    assert "(1 failure in a row). The next automatic try is not before" in text
    assert f'<time datetime="{utc(state.failing_since)}"' in text
    assert f'<time datetime="{utc(state.next_try)}"' in text


def test_a_list_that_succeeds_says_nothing_of_failing(alice_client, alice_credential):
    store_list(alice_credential, [make_job(1)])

    assert "has failed since" not in alice_client.get(LIST_URL).content.decode()
