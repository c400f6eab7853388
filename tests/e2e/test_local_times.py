"""Times in the browser: local-time.js writes each <time> in the reader's time zone with the pattern the server
uses for the page's language, so Chinese reads "2026年1月3日 12:05:06 GMT+8", never "2026/01/03 GMT+8 12:05:06"."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from tests.conftest import make_job, store_list
from tests.e2e.browser import choose, click, open_logged_in, wait, wait_for_page

CREATED = "2026-01-03T04:05:06Z"


@pytest.fixture
def list_path(team_credential) -> str:
    """The team's project list, fresh (no refresh replaces it), with one job created at CREATED."""
    created = datetime(2026, 1, 3, 4, 5, 6, tzinfo=UTC)
    store_list(team_credential, [make_job(4242, status=10, create_time=created)], fetched_at=timezone.now())
    return f"/projects/{team_credential.project_id}/visualization-jobs/"


@pytest.fixture
def in_shanghai(browser):
    """The browser in China Standard Time (UTC+8), the server in UTC."""
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Shanghai"})
    yield browser
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


def created_text(driver) -> str:
    return driver.execute_script(f"return document.querySelector('time[datetime=\"{CREATED}\"]').textContent")


def test_times_are_written_in_the_readers_zone_with_the_languages_pattern(in_shanghai, live_server, list_path):
    open_logged_in(in_shanghai, live_server, list_path)
    wait(in_shanghai).until(lambda driver: created_text(driver) == "2026-01-03 12:05:06 GMT+8")

    choose(in_shanghai, "#language-select", value="zh-hans")
    click(in_shanghai, "#language-submit")
    wait(in_shanghai).until(lambda driver: driver.execute_script("return document.documentElement.lang") == "zh-hans")
    wait_for_page(in_shanghai, list_path)

    wait(in_shanghai).until(lambda driver: created_text(driver) == "2026年1月3日 12:05:06 GMT+8")
    title = in_shanghai.execute_script(f"return document.querySelector('time[datetime=\"{CREATED}\"]').title")
    assert title == f"UTC: {CREATED}"
