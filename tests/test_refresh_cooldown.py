"""The "Refresh now" buttons (one project, all projects) and the refresh command leave a list alone for
REFRESH_COOLDOWN_SECONDS after its last refresh finished, and say when it was fetched and when to retry."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from jobs import refresh
from jobs.models import JobListRefresh
from simulator.seed import DEMO, OTHER
from tests.conftest import make_simulated_credential

pytestmark = pytest.mark.django_db

REFRESH = f"/projects/{DEMO.project_id}/visualization-jobs/refresh/"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def last_message(response) -> str:
    """The message of the last press (earlier presses, not followed, leave theirs in the session too)."""
    return messages_of(response)[-1]


def finished_ago(credential, seconds: float) -> None:
    moment = timezone.now() - timedelta(seconds=seconds)
    JobListRefresh.objects.filter(credential=credential).update(finished_at=moment)


def test_twenty_presses_of_refresh_now_cost_one_fetch(alice_client, simulated_credential, simulator):
    simulator.set_job_count(DEMO.project_id, 2500)  # three pages of 1000

    for _ in range(20):
        assert alice_client.post(REFRESH).status_code == 302

    assert simulator.calls["list"] == 3


def test_the_refused_refresh_says_when_the_list_was_fetched_and_when_to_retry(
    alice_client, simulated_credential, simulator
):
    alice_client.post(REFRESH)
    finished_ago(simulated_credential, 12)

    response = alice_client.post(REFRESH, follow=True)

    assert last_message(response) == (
        "“alice's project”: not refreshed again; the list was fetched 12 s ago. A new refresh is possible in 18 s."
    )
    assert simulator.calls["list"] == 1


def test_a_failed_refresh_counts_too_and_is_named(alice_client, alice, simulator):
    make_simulated_credential(alice, simulator, secret="wrong")
    alice_client.post(REFRESH)

    response = alice_client.post(REFRESH, follow=True)

    assert re.fullmatch(
        r"“alice's project”: not refreshed again; the last refresh failed \d s ago\. "
        r"A new refresh is possible in \d\d s\.",
        last_message(response),
    )
    assert simulator.calls["list"] == 1


def test_refresh_now_fetches_again_once_the_cooldown_is_over(alice_client, simulated_credential, simulator):
    alice_client.post(REFRESH)
    finished_ago(simulated_credential, 31)

    response = alice_client.post(REFRESH, follow=True)

    assert last_message(response) == "“alice's project”: refresh queued."
    assert simulator.calls["list"] == 2


def test_the_cooldown_is_a_setting(alice_client, simulated_credential, simulator, settings):
    settings.REFRESH_COOLDOWN_SECONDS = 0

    for _ in range(3):
        alice_client.post(REFRESH)

    assert simulator.calls["list"] == 3


def test_refresh_all_skips_only_the_lists_fetched_moments_ago(alice_client, alice, simulator):
    demo = make_simulated_credential(alice, simulator, name="demo")
    keys = {"access_key": OTHER.access_key, "secret": OTHER.secret_key}
    make_simulated_credential(alice, simulator, name="other", project_id=OTHER.project_id, **keys)
    simulator.set_job_count(OTHER.project_id, 7)
    refresh.refresh_job_list(demo)
    calls = simulator.calls["list"]

    response = alice_client.post("/refresh/", follow=True)

    assert simulator.calls["list"] == calls + 1  # the other project only
    assert [message.split(";")[0] for message in messages_of(response)] == [
        "“demo”: not refreshed again",
        "“other”: refresh queued.",
    ]


def test_the_command_skips_a_list_refreshed_moments_ago_and_says_why(alice, simulator):
    credential = make_simulated_credential(alice, simulator, name="demo")
    refresh.refresh_job_list(credential)
    finished_ago(credential, 5)
    out = io.StringIO()

    call_command("refresh_job_lists", stdout=out)  # no CommandError: skipping is not failing

    assert out.getvalue().splitlines()[0] == (
        f"alice / demo ({DEMO.project_id}): not refreshed again; the list was fetched 5 s ago. "
        "A new refresh is possible in 25 s. REFRESH_COOLDOWN_SECONDS is 30 s."
    )
    assert simulator.calls["list"] == 1


def test_the_command_says_it_in_english_the_page_in_the_viewers_language(alice_client, alice, simulator, settings):
    """One text for both: the page translates it, the command, for cron mail and logs, does not."""
    settings.LANGUAGE_CODE = "zh-hans"
    credential = make_simulated_credential(alice, simulator, name="demo")
    refresh.refresh_job_list(credential)
    finished_ago(credential, 5)
    out = io.StringIO()

    with translation.override("zh-hans"):
        call_command("refresh_job_lists", stdout=out)
    page = alice_client.post(REFRESH, follow=True, headers={"Accept-Language": "zh-CN"})

    assert "not refreshed again; the list was fetched 5 s ago." in out.getvalue()
    assert last_message(page) == "“demo”：未再次刷新；列表在 5 秒前已获取。25 秒后可再次刷新。"


def test_a_stale_list_viewed_during_the_cooldown_is_not_fetched_again(alice_client, simulated_credential, simulator):
    """A short LIST_TTL cannot make page views refresh more often than the cooldown allows."""
    refresh.refresh_job_list(simulated_credential)
    JobListRefresh.objects.update(fetched_at=timezone.now() - timedelta(hours=1))  # stale, finished just now

    assert alice_client.get(f"/projects/{DEMO.project_id}/visualization-jobs/").status_code == 200
    assert simulator.calls["list"] == 1
