"""Consumers say in the database that they run (every minute, and with every refresh they run); every signed-in
page tells a viewer with a stale list when none has for two minutes, in one query. /readyz does not look.

The tests run the queue in immediate mode, where refreshes run inside the request and no worker can be
missing; ``queue_in_background`` switches to the mode pages are served in.
"""

import os
import socket
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from jobs import heartbeat, tasks
from jobs.models import WorkerHeartbeat
from tests.conftest import PROJECT_B, make_credential, make_job, store_list

pytestmark = pytest.mark.django_db

NOTICE = "Lists are not being refreshed: the background worker is not running."
PAGE = "/credentials/"  # a signed-in page that queues no refresh


@pytest.fixture
def queue_in_background(monkeypatch):
    monkeypatch.setattr(HUEY, "immediate", False)


@pytest.fixture
def stale(alice_credential):
    return store_list(alice_credential, [make_job(1)], fetched_at=timezone.now() - timedelta(hours=1))


def seen(ago: timedelta, host: str = "worker-1", pid: int = 100) -> None:
    WorkerHeartbeat.objects.create(host=host, pid=pid, seen_at=timezone.now() - ago)


def page_text(client) -> str:
    return client.get(PAGE).content.decode()


def test_no_worker_seen_for_two_minutes_and_a_stale_list(alice_client, stale, queue_in_background):
    seen(timedelta(minutes=2, seconds=1))

    assert NOTICE in page_text(alice_client)


def test_a_list_never_fetched_counts_as_stale(alice_client, alice_credential, queue_in_background):
    assert NOTICE in page_text(alice_client)


def test_a_worker_seen_lately_means_no_notice(alice_client, stale, queue_in_background):
    seen(timedelta(minutes=1, seconds=50))

    assert NOTICE not in page_text(alice_client)


def test_fresh_lists_mean_no_notice(alice_client, alice_credential, queue_in_background):
    store_list(alice_credential, [make_job(1)])

    assert NOTICE not in page_text(alice_client)


def test_only_the_viewer_with_a_stale_list_is_told(bob_client, bob, stale, queue_in_background):
    store_list(make_credential(bob, project_id=PROJECT_B), [make_job(1)])

    assert NOTICE not in page_text(bob_client)


def test_signed_out_visitors_are_not_told(client, stale, queue_in_background):
    assert NOTICE not in client.get("/accounts/login/").content.decode()


def test_the_queue_in_immediate_mode_needs_no_worker(alice_client, stale):
    assert NOTICE not in page_text(alice_client)


def test_without_a_consumer_the_check_is_two_queries(alice, stale, queue_in_background):
    with CaptureQueriesContext(connection) as captured:
        assert heartbeat.worker_missing_for(alice) is True

    assert len(captured) == 2  # the latest heartbeat, then the viewer's stale lists


def test_a_consumer_seen_lately_spares_the_next_pages_any_query(alice, bob, stale, queue_in_background):
    seen(timedelta(minutes=1))
    with CaptureQueriesContext(connection) as first:
        assert heartbeat.worker_missing_for(alice) is False
    with CaptureQueriesContext(connection) as later:
        assert heartbeat.worker_missing_for(bob) is False

    assert len(first) == 1 and len(later) == 0


def test_the_quiet_ends_when_the_last_heartbeat_grows_old(alice, alice_client, stale, queue_in_background, monkeypatch):
    """Remembering the last heartbeat never hides a consumer that stopped: the notice is due at the moment it
    would be without it."""
    seen(timedelta(minutes=1))
    assert NOTICE not in page_text(alice_client)
    later = timezone.now() + timedelta(minutes=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert NOTICE in page_text(alice_client)


def test_readyz_does_not_depend_on_the_worker(stale, queue_in_background):
    assert Client().get("/readyz").status_code == 200


def test_the_periodic_task_says_this_consumer_runs_and_prunes_the_silent(queue_in_background):
    seen(heartbeat.PRUNE_AFTER + timedelta(minutes=1), host="gone")
    seen(timedelta(minutes=30), host="other")

    tasks.worker_heartbeat.call_local()
    tasks.worker_heartbeat.call_local()

    rows = WorkerHeartbeat.objects.order_by("host")
    assert [row.host for row in rows] == sorted([socket.gethostname(), "other"])
    mine = rows.get(host=socket.gethostname())
    assert mine.pid == os.getpid() and mine.seen_at > timezone.now() - timedelta(seconds=10)


def test_a_refresh_task_says_its_consumer_runs(simulated_credential, simulator):
    tasks.enqueue_refresh(simulated_credential)

    assert WorkerHeartbeat.objects.filter(host=socket.gethostname(), pid=os.getpid()).exists()


def test_the_heartbeat_fires_every_minute():
    task = tasks.worker_heartbeat.s()

    assert all(task.validate_datetime(timezone.now().replace(minute=minute)) for minute in range(60))
