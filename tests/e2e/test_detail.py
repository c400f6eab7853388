"""The job's page in a real browser: its freshness line follows the job live, and a job that does not exist
offers to type the id again.

Headless Chromium against the live server and the simulator's demo tenant; screenshots go where
tests/e2e/browser.py puts them.
"""

import re

import pytest

pytest.importorskip("selenium", reason="Selenium is not installed: install the project's test extras")

from simulator.seed import DEMO  # noqa: E402
from tests.e2e.browser import (  # noqa: E402
    LIVE_POLL_SECONDS,
    click,
    find,
    find_all,
    open_logged_in,
    screenshot,
    text_of,
    type_into,
    wait,
    wait_for_page,
    wait_for_text,
)
from tests.e2e.people import RUNNING, detail_path  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

MISSING = 987654321


def fetched_at(browser) -> str:
    """The UTC moment the freshness line names (its text is the browser's local rendering of it)."""
    return find(browser, "#live .freshness time").get_attribute("datetime")


def test_the_freshness_line_follows_the_job_live(browser, live_server, simulator, settings, team_credential):
    settings.DETAIL_CACHE_SECONDS = 1
    open_logged_in(browser, live_server, detail_path(RUNNING))
    line = text_of(browser, "#live .freshness")
    assert line.startswith("Fetched ") and line.endswith("· updates automatically")
    assert re.fullmatch(r"\d{1,2}:\d{2}:\d{2}( [AP]M)?", text_of(browser, "#live .freshness time"))  # today: the time
    assert find(browser, "#live a.button").text == "Open TensorBoard"
    first = fetched_at(browser)
    browser.execute_script("window.e2eSamePage = true;")  # gone if the page were loaded again
    browser.execute_script("window.e2eHeading = document.querySelector('#live h1');")

    # Nothing else changes: the next poll brings details fetched later, and only the line is replaced (the rest
    # of the region, unchanged, stays as it is, and polling keeps slowing down).
    wait(browser, 3 * LIVE_POLL_SECONDS).until(lambda driver: fetched_at(driver) > first, "the time never moved")
    assert "· updates automatically" in text_of(browser, "#live .freshness")
    assert browser.execute_script("return document.querySelector('#live h1') === window.e2eHeading;")

    simulator.set_job(DEMO.project_id, RUNNING, status=10)

    wait_for_text(browser, "#live .badge", "Completed", seconds=3 * LIVE_POLL_SECONDS)
    line = text_of(browser, "#live .freshness")
    assert line.startswith("Fetched ") and "updates automatically" not in line  # a finished job stays as it is
    assert not find_all(browser, "#live a.button")  # no TensorBoard for a completed job
    assert browser.execute_script("return window.e2eSamePage === true;")
    screenshot(browser, "detail-completed")


def test_a_missing_job_names_the_id_and_offers_to_type_it_again(browser, live_server, settings, team_credential):
    open_logged_in(browser, live_server, detail_path(MISSING))

    assert text_of(browser, "main h1") == f"Job {MISSING}"
    heading_first = "return document.querySelector('main h1').compareDocumentPosition("
    heading_first += "document.querySelector('.error-panel')) & Node.DOCUMENT_POSITION_FOLLOWING;"
    assert browser.execute_script(heading_first)
    assert "No visualization job with this id" in text_of(browser, ".error-panel")
    assert "Try again" not in text_of(browser, "main")
    assert not find_all(browser, "[data-live-interval]")  # asking again would only use up lookups
    assert find(browser, "#id_job_id").get_attribute("value") == str(MISSING)
    screenshot(browser, "detail-missing")

    type_into(browser, "#id_job_id", str(RUNNING))
    click(browser, "form.lookup button[type=submit]")

    wait_for_page(browser, detail_path(RUNNING))
    assert text_of(browser, "#live h1") == "running-with-autostop"


def test_a_malformed_id_gets_the_dashboards_404_page_even_in_debug(browser, live_server, settings, team_credential):
    settings.DEBUG = True
    path = f"/projects/{DEMO.project_id}/visualization-jobs/abc/"
    open_logged_in(browser, live_server, path)

    assert text_of(browser, "main h1") == "Not found"
    assert "URLconf" not in browser.page_source
    click(browser, text="your projects")
    wait_for_page(browser, "/")
