"""Lists stay fresh without anyone looking: views record when a list was last viewed (a write every few
minutes, not on every view), and a periodic task queues, through the same claim as page views, a refresh
of every stale list viewed in the last KEEP_FRESH_DAYS that is not backing off nor queued already, spread
over its period. It fires every five minutes and never runs twice at once (huey's task lock)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
import responses
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from jobs import refresh, tasks
from jobs.models import JobListRefresh
from tests.conftest import PROJECT_A, PROJECT_B, list_answer, make_credential, make_job, store_list

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
PAGES = [
    f"/projects/{PROJECT_A}/visualization-jobs/",
    "/",
    f"/api/projects/{PROJECT_A}/visualization-jobs",
]


def state_of(credential) -> JobListRefresh:
    return JobListRefresh.objects.get(credential=credential)


def viewed(credential, ago: timedelta, *, fetched_ago: timedelta = timedelta(hours=1)) -> None:
    """A stored list, fetched ``fetched_ago`` and last viewed ``ago``."""
    store_list(credential, [make_job(1)], fetched_at=timezone.now() - fetched_ago)
    JobListRefresh.objects.filter(credential=credential).update(last_viewed_at=timezone.now() - ago)


@dataclass
class Queue:
    """Stands in for the refresh task: what enqueue_refresh queued now, and what it scheduled when."""

    now: list[tuple] = field(default_factory=list)
    later: list[tuple] = field(default_factory=list)

    def __call__(self, credential_id: int, queued_at: datetime, *, force: bool) -> None:
        self.now.append((credential_id, queued_at))

    def schedule(self, args: tuple, kwargs: dict, eta: datetime) -> None:
        self.later.append((*args, eta))


@pytest.fixture
def queue(monkeypatch) -> Queue:
    recorder = Queue()
    monkeypatch.setattr(tasks, "refresh_list", recorder)
    return recorder


# Recording views


@pytest.mark.parametrize("page", PAGES)
def test_a_view_records_that_the_list_was_viewed(alice_client, alice_credential, page):
    store_list(alice_credential, [make_job(1)])

    before = timezone.now()
    assert alice_client.get(page).status_code == 200

    assert state_of(alice_credential).last_viewed_at >= before


def test_views_moments_apart_write_once(alice_client, alice_credential):
    store_list(alice_credential, [make_job(1)])
    alice_client.get(PAGES[0])
    first = state_of(alice_credential).last_viewed_at

    alice_client.get(PAGES[0])

    assert state_of(alice_credential).last_viewed_at == first


def test_a_view_after_the_interval_is_recorded_again(alice_client, alice_credential):
    viewed(alice_credential, refresh.VIEW_RECORD_INTERVAL, fetched_ago=timedelta(0))
    before = timezone.now()

    alice_client.get(PAGES[0])

    assert state_of(alice_credential).last_viewed_at >= before


def test_a_refresh_keeps_a_view_recorded_while_it_ran(simulated_credential, monkeypatch):
    """The refresh, which writes the list's outcome when it ends, leaves the last view alone."""
    viewed_at = timezone.now()
    progress_recorder = refresh._progress_recorder

    def viewed_meanwhile(state):
        record = progress_recorder(state)

        def on_page(fetched: int, expected: int) -> None:
            record(fetched, expected)
            JobListRefresh.objects.filter(pk=state.pk).update(last_viewed_at=viewed_at)

        return on_page

    monkeypatch.setattr(refresh, "_progress_recorder", viewed_meanwhile)

    assert refresh.refresh_job_list(simulated_credential).error is None
    assert state_of(simulated_credential).last_viewed_at == viewed_at


# Which lists the periodic task refreshes


@pytest.fixture
def bob_credential(bob):
    return make_credential(bob, project_id=PROJECT_B)


def test_a_stale_list_viewed_lately_is_kept_fresh(alice_credential):
    viewed(alice_credential, timedelta(days=6))

    assert tasks.lists_to_keep_fresh(timezone.now()) == [state_of(alice_credential)]


def viewed_too_long_ago(credential) -> None:
    viewed(credential, timedelta(days=7, minutes=1))


def never_viewed(credential) -> None:
    store_list(credential, [], fetched_at=timezone.now() - timedelta(hours=1))


def fresh(credential) -> None:
    viewed(credential, timedelta(0), fetched_ago=timedelta(minutes=1))


@pytest.mark.parametrize("setup", [viewed_too_long_ago, never_viewed, fresh])
def test_lists_not_viewed_lately_or_fresh_are_left_alone(alice_credential, setup):
    setup(alice_credential)

    assert tasks.lists_to_keep_fresh(timezone.now()) == []


def test_the_days_are_a_setting(alice_credential, settings):
    settings.KEEP_FRESH_DAYS = 1
    viewed(alice_credential, timedelta(days=2))

    assert tasks.lists_to_keep_fresh(timezone.now()) == []


def test_a_list_backing_off_is_left_alone_until_its_next_try(alice_credential, settings):
    viewed(alice_credential, timedelta(hours=1))
    failed_at = timezone.now() - timedelta(seconds=settings.LIST_TTL * 2 - 1)  # two failures: twice LIST_TTL
    JobListRefresh.objects.filter(credential=alice_credential).update(
        last_error="ModelArts.0108: denied", last_error_at=failed_at, failing_since=failed_at, consecutive_failures=2
    )
    now = timezone.now()

    assert tasks.lists_to_keep_fresh(now) == []
    assert tasks.lists_to_keep_fresh(now + timedelta(seconds=2)) == [state_of(alice_credential)]


def test_a_list_queued_already_is_left_alone(alice_credential, settings):
    viewed(alice_credential, timedelta(hours=1))
    JobListRefresh.objects.filter(credential=alice_credential).update(queued_at=timezone.now())

    assert tasks.lists_to_keep_fresh(timezone.now()) == []


def test_a_lost_claim_does_not_keep_a_list_stale(alice_credential, settings):
    viewed(alice_credential, timedelta(hours=1))
    lost = timezone.now() - timedelta(seconds=settings.LIST_REFRESH_QUEUED_SECONDS + 1)
    JobListRefresh.objects.filter(credential=alice_credential).update(queued_at=lost)

    assert tasks.lists_to_keep_fresh(timezone.now()) == [state_of(alice_credential)]


def test_every_users_lists_are_kept_fresh_the_longest_unrefreshed_first(alice_credential, bob_credential):
    viewed(alice_credential, timedelta(hours=1), fetched_ago=timedelta(hours=1))
    viewed(bob_credential, timedelta(hours=1), fetched_ago=timedelta(hours=3))

    due = tasks.lists_to_keep_fresh(timezone.now())

    assert [state.credential for state in due] == [bob_credential, alice_credential]


# Queuing them


def test_the_refreshes_are_spread_over_the_period(alice, queue):
    credentials = [make_credential(alice, project_id=f"{number:032x}") for number in range(1, 5)]
    for credential in credentials:
        viewed(credential, timedelta(hours=1))
    before = timezone.now()

    assert tasks.queue_lists_to_keep_fresh() == 4

    assert [credential_id for credential_id, _ in queue.now] == [credentials[0].pk]
    etas = [eta for _, _, eta in queue.later]
    gaps = [(eta - before).total_seconds() for eta in etas]
    assert [round(gap) for gap in gaps] == [75, 150, 225]  # a quarter of five minutes apart
    assert [state_of(credential).queued_at for credential in credentials[1:]] == etas  # each claimed till due


def test_a_list_queued_by_the_periodic_task_is_not_queued_twice(alice_credential, bob_credential, queue):
    viewed(alice_credential, timedelta(hours=1))
    viewed(bob_credential, timedelta(hours=1))
    tasks.queue_lists_to_keep_fresh()

    assert tasks.queue_lists_to_keep_fresh() == 0
    assert len(queue.now) + len(queue.later) == 2


def test_a_viewer_does_not_wait_for_a_scheduled_refresh(alice_client, alice_credential, bob_credential, queue):
    """The periodic task scheduled alice's list for later; her view of it queues it now, and takes the claim."""
    viewed(bob_credential, timedelta(hours=1), fetched_ago=timedelta(hours=2))
    viewed(alice_credential, timedelta(hours=1))
    tasks.queue_lists_to_keep_fresh()
    ((_, scheduled_for, _),) = queue.later

    alice_client.get(PAGES[0])

    ((_, claimed),) = queue.now[1:]
    assert claimed < scheduled_for
    assert state_of(alice_credential).queued_at == claimed


@responses.activate
def test_the_superseded_task_does_nothing(alice_credential):
    viewed(alice_credential, timedelta(hours=1))
    later = timezone.now() + timedelta(minutes=3)
    JobListRefresh.objects.filter(credential=alice_credential).update(queued_at=timezone.now())

    tasks.refresh_list.call_local(alice_credential.pk, later, force=False)

    assert len(responses.calls) == 0
    assert state_of(alice_credential).queued_at is not None  # the claim of the task that holds it stays


@responses.activate
def test_the_periodic_task_refreshes_a_due_list(alice_credential):
    responses.get(UPSTREAM, json=list_answer({"job_id": 2, "job_name": "new", "status": 8}))
    viewed(alice_credential, timedelta(hours=1))

    tasks.keep_lists_fresh.call_local()

    assert len(responses.calls) == 1
    state = state_of(alice_credential)
    assert state.fetched_at > timezone.now() - timedelta(minutes=1) and state.queued_at is None


def test_the_periodic_task_fires_every_five_minutes():
    task = tasks.keep_lists_fresh.s()
    fires = [minute for minute in range(60) if task.validate_datetime(datetime(2026, 1, 1, 0, minute))]

    assert fires == list(range(0, 60, 5))
    assert tasks.KEEP_FRESH_PERIOD == timedelta(minutes=5)


def test_a_run_never_joins_one_in_progress(alice_credential, queue):
    viewed(alice_credential, timedelta(hours=1))

    with HUEY.lock_task("keep-lists-fresh"), pytest.raises(TaskLockedException):
        tasks.keep_lists_fresh.call_local()

    assert queue.now == queue.later == []
