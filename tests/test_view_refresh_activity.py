"""The project page and the overview say what the background worker does with a list: "Refreshing…" with
progress while a refresh is queued or running, "Fetching this project's jobs for the first time" instead of
an empty table for a list never fetched. The text is inside the live region (live.js swaps it), so the rows
replace it without a reload once the refresh ends."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from jobs import tasks
from jobs.models import JobListRefresh
from tests.conftest import PROJECT_A, PROJECT_B, make_credential, make_job, store_list

pytestmark = pytest.mark.django_db

LIST_URL = f"/projects/{PROJECT_A}/visualization-jobs/"
FIRST_TIME = "Fetching this project's jobs for the first time"


def live_region(response) -> str:
    """The part of the page live.js replaces when it polls: the #live region, up to the end of the page."""
    page = unescape(response.content.decode())
    return page[page.index('id="live"') : page.index("</main>")]


def running(credential, fetched: int, expected: int | None) -> None:
    """A refresh a consumer runs now: claimed a moment ago, started, ``fetched`` pages of ``expected`` in."""
    now = timezone.now()
    JobListRefresh.objects.update_or_create(
        credential=credential,
        defaults={
            "queued_at": now - timedelta(seconds=1),
            "started_at": now,
            "pages_fetched": fetched,
            "pages_expected": expected,
        },
    )


def queued(credential) -> None:
    JobListRefresh.objects.update_or_create(credential=credential, defaults={"queued_at": timezone.now()})


@pytest.fixture
def stored(alice_credential):
    return store_list(alice_credential, [make_job(101, job_name="resnet-tb")])


def test_a_running_refresh_shows_its_progress_beside_the_stored_rows(alice_client, alice_credential, stored):
    running(alice_credential, 2, 5)

    live = live_region(alice_client.get(LIST_URL))

    assert re.search(r"Refreshing…\s+\(2 of 5 pages fetched\)", live)
    assert "resnet-tb" in live
    assert FIRST_TIME not in live


def test_a_refresh_before_the_first_page_has_no_page_count(alice_client, alice_credential, stored):
    running(alice_credential, 0, None)

    live = live_region(alice_client.get(LIST_URL))

    assert re.search(r"Refreshing…\s+\(asking ModelArts for the first page\)", live)


def test_a_queued_refresh_says_it_waits_for_the_worker(alice_client, alice_credential, stored):
    queued(alice_credential)

    live = live_region(alice_client.get(LIST_URL))

    assert re.search(r"Refreshing…\s+\(waiting for the background worker\)", live)


def test_a_list_never_fetched_is_announced_not_shown_empty(alice_client, alice_credential):
    running(alice_credential, 1, 3)

    response = alice_client.get(LIST_URL)

    live = live_region(response)
    assert response.status_code == 200
    assert re.search(FIRST_TIME + r"\s+\(1 of 3 pages fetched\)", live)
    assert "no visualization jobs yet" not in live and "empty-list" not in live
    assert "Refreshing…" not in live


def test_an_idle_list_says_nothing_of_refreshing(alice_client, alice_credential, stored):
    page = unescape(alice_client.get(LIST_URL).content.decode())

    assert "Refreshing…" not in page
    assert FIRST_TIME not in page


def test_the_rows_replace_the_notice_when_the_refresh_ends(alice_client, simulated_credential, monkeypatch):
    """What live.js sees polling the page: the notice first, the fetched rows once the task ran."""
    waiting = []
    monkeypatch.setattr(tasks, "refresh_list", lambda *args, **kwargs: waiting.append((args, kwargs)))
    url = f"/projects/{simulated_credential.project_id}/visualization-jobs/"

    assert FIRST_TIME in live_region(alice_client.get(url))

    monkeypatch.undo()
    ((args, kwargs),) = waiting
    tasks.refresh_list.call_local(*args, **kwargs)
    live = live_region(alice_client.get(url))

    assert FIRST_TIME not in live
    assert "60 jobs" in live


def test_the_overview_shows_each_projects_refresh(alice_client, alice, alice_credential, stored):
    running(alice_credential, 2, 5)
    other = make_credential(alice, PROJECT_B, name="never fetched")
    queued(other)

    live = live_region(alice_client.get("/"))

    assert re.search(r"Refreshing…\s+\(2 of 5 pages fetched\)", live)
    assert re.search(FIRST_TIME + r"\s+\(waiting for the background worker\)", live)


def test_another_users_project_is_not_found(bob_client, alice_credential):
    running(alice_credential, 2, 5)

    response = bob_client.get(LIST_URL)

    assert response.status_code == 404
    assert "Refreshing" not in response.content.decode()
