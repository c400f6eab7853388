"""The job list in a real browser: sorting by a column header, and a search that finds nothing.

Headless Chromium against the live server and the simulator's demo tenant (60 jobs in its project).
"""

import pytest

pytest.importorskip("selenium", reason="Selenium is not installed: install the project's test extras")

from simulator.seed import DEMO  # noqa: E402
from tests.e2e.browser import (  # noqa: E402
    click,
    find,
    find_all,
    open_logged_in,
    screenshot,
    text_of,
    type_into,
    wait,
    wait_for_page,
    wait_for_query,
    wait_for_text,
)

pytestmark = pytest.mark.django_db(transaction=True)

LIST_PATH = f"/projects/{DEMO.project_id}/visualization-jobs/"


def shown_names(browser) -> list[str]:
    return [link.text for link in find_all(browser, "table.jobs tbody tr td:first-child a")]


def name_sort(browser) -> str | None:
    return find(browser, "table.jobs thead th:first-child").get_attribute("aria-sort")


def test_clicking_a_header_twice_reverses_the_order(browser, live_server, simulator, team_credential):
    open_logged_in(browser, live_server, LIST_PATH)
    wait_for_text(browser, "table.jobs caption", f"{simulator.jobs_per_project} jobs")
    assert name_sort(browser) is None
    assert find(browser, "table.jobs th[aria-sort]").text.startswith("Created")  # newest first, marked

    click(browser, "table.jobs th a.sort-link[href='?sort=name']")
    wait_for_query(browser, LIST_PATH, sort="name")
    wait(browser).until(lambda driver: name_sort(driver) == "ascending")
    ascending = shown_names(browser)
    assert ascending == sorted(ascending, key=str.lower)
    assert "▲" in text_of(browser, "table.jobs thead th:first-child")

    click(browser, "table.jobs th a.sort-link[href='?sort=-name']")
    wait_for_query(browser, LIST_PATH, sort="-name")
    wait(browser).until(lambda driver: name_sort(driver) == "descending")
    descending = shown_names(browser)
    assert descending == sorted(descending, key=str.lower, reverse=True)
    assert descending[0] != ascending[0]
    assert "▼" in text_of(browser, "table.jobs thead th:first-child")
    assert find(browser, "#id_sort").get_attribute("value") == "-name"  # the select follows the headers


def test_a_search_finding_nothing_says_so_and_clear_filters_lists_all(browser, live_server, simulator, team_credential):
    open_logged_in(browser, live_server, LIST_PATH)
    wait_for_text(browser, "table.jobs caption", f"{simulator.jobs_per_project} jobs")

    type_into(browser, "#id_q", "no-such-job")
    click(browser, "form.list-controls button[type=submit]")
    wait_for_query(browser, LIST_PATH, q="no-such-job")
    box = wait_for_text(browser, ".empty-list", "No jobs match these filters.")
    assert f"The project has {simulator.jobs_per_project} jobs in all." in box
    assert not find_all(browser, "table.jobs")
    screenshot(browser, "list-empty-search")

    click(browser, ".empty-list a")
    wait_for_page(browser, LIST_PATH)
    wait_for_text(browser, "table.jobs caption", f"{simulator.jobs_per_project} jobs · page 1 of")
    assert find(browser, "#id_q").get_attribute("value") == ""
