"""A visualization job's whole life from the dashboard, in a real browser: create it, watch it start, stop it,
restart it, delete it; and the dialogs that ask before an action.

Headless Chromium against the live server and the simulator over real HTTP. The simulator moves a job to its
next status one pace after a write (simulator/lifecycle.py); with a short pace every transition is due by the
time the job's page polls again (static/js/live.js, every few seconds), so each one is seen live, without a
reload. The pages without JavaScript (the confirmation pages) are view-tested in tests/test_view_job_*.py.
"""

import re
from urllib.parse import urlsplit

import pytest

pytest.importorskip("selenium", reason="Selenium is not installed: install the project's test extras")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from audit.models import AuditEvent  # noqa: E402
from jobs import clients  # noqa: E402
from simulator import seed  # noqa: E402
from simulator.seed import DEMO  # noqa: E402
from tests.conftest import allow_operating  # noqa: E402
from tests.e2e.browser import (  # noqa: E402
    choose,
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
from tests.e2e.people import USERNAME, detail_path  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

# Each intermediate status lasts this long in the simulator: shorter than the page's poll (5 s), so each change is
# due by the next poll, and long enough that a new job's page, on a busy machine, loads before the job runs.
PACE_SECONDS = 2
LIVE_SECONDS = 30  # a poll comes every 5 s, doubling while nothing changes: a few polls' worth
LIST_PATH = f"/projects/{DEMO.project_id}/visualization-jobs/"
NEW_JOB_PATH = f"{LIST_PATH}new/"
NAME = "e2e-resnet-tb"
RUNNING = seed.DEMO_RUNNING_JOB_ID
RUNNING_NAME = "running-with-autostop"


@pytest.fixture
def operator(person, team_credential, simulator, settings):
    """Mei may act on jobs; the simulator is quick, and the job's page asks ModelArts afresh on every poll."""
    allow_operating(person)
    simulator.pace_seconds = PACE_SECONDS
    settings.DETAIL_CACHE_SECONDS = settings.DETAIL_CACHE_TERMINAL_SECONDS = 0
    return person


def mark_page(browser) -> None:
    """A mark that a page load would wipe: the page must still carry it after a live update."""
    browser.execute_script("window.e2eSamePage = true;")


def same_page(browser) -> bool:
    return browser.execute_script("return window.e2eSamePage === true;")


def badge(browser) -> str:
    return text_of(browser, "#live .badge")


def open_dialog(browser, action: str):
    """Click the job's action button; with JavaScript its confirmation opens as a dialog on the same page."""
    click(browser, f"#live .job-actions a[data-dialog='dialog-{action}']")
    return wait(browser).until(lambda driver: (found := find_all(driver, "dialog[open]")) and found[0])


def landed_on_new_job(browser) -> int:
    """Wait for the new job's page; its id, from the address."""

    def job_id(driver) -> int | None:
        found = re.fullmatch(re.escape(LIST_PATH) + r"(\d+)/", urlsplit(driver.current_url).path)
        ready = found and driver.execute_script("return document.readyState") == "complete"
        return int(found[1]) if ready else None

    return wait(browser).until(job_id, f"did not arrive at a job's page; the browser shows {browser.current_url}")


def job_in_modelarts(credential, job_id: int):
    """The job as the simulator has it now, asked over HTTP as the dashboard asks."""
    return clients.client_for(credential).get_visualization_job(job_id)


def focused_in(browser, element) -> bool:
    return browser.execute_script("return arguments[0].contains(document.activeElement);", element)


def test_create_start_stop_restart_and_delete_a_job(browser, live_server, simulator, operator):
    open_logged_in(browser, live_server, LIST_PATH)
    click(browser, text="New job")
    wait_for_page(browser, NEW_JOB_PATH)
    type_into(browser, "#id_job_name", NAME)
    type_into(browser, "#id_train_url", "obs://bucket/resnet/logs/")
    choose(browser, "#id_job_type", value="tensorboard")
    type_into(browser, "#id_job_desc", "Loss curves of the e2e run")
    choose(browser, "#id_auto_stop", value="2")
    screenshot(browser, "job-new")
    click(browser, "form.action-form button[type=submit]")

    # The new job's page, following the job from its first status until it runs.
    created = landed_on_new_job(browser)
    assert text_of(browser, "#live h1") == NAME
    assert f"Creation of “{NAME}” ({created}) requested by {USERNAME}" in text_of(browser, ".messages")
    assert "Running" not in badge(browser)  # being initialized or queuing: ModelArts has only just accepted it
    assert "Open TensorBoard" not in text_of(browser, "#live")
    screenshot(browser, "job-created")
    mark_page(browser)
    wait_for_text(browser, "#live .badge", "Running", seconds=LIVE_SECONDS)
    wait_for_text(browser, "#live", "Open TensorBoard", seconds=LIVE_SECONDS)
    assert same_page(browser)
    assert "Stops after 2 hours" in text_of(browser, "#live .fields")  # the auto-stop asked for
    screenshot(browser, "job-running")

    # Stop it, through the dialog that says what a stop does.
    dialog = open_dialog(browser, "stop")
    assert NAME in dialog.text and "billing for it ends" in dialog.text
    screenshot(browser, "job-stop-confirm")
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_page(browser, detail_path(created))
    assert f"Stop of “{NAME}” ({created}) requested by {USERNAME}" in text_of(browser, ".messages")
    mark_page(browser)
    wait_for_text(browser, "#live .badge", "Canceled", seconds=LIVE_SECONDS)
    assert same_page(browser)
    assert "Open TensorBoard" not in text_of(browser, "#live")
    screenshot(browser, "job-canceled")

    # Restart it: this page was loaded while the job was being canceled, yet the button the live update brought
    # asks in a dialog too.
    dialog = open_dialog(browser, "restart")
    assert same_page(browser) and NAME in dialog.text
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_page(browser, detail_path(created))
    assert f"Restart of “{NAME}” ({created}) requested by {USERNAME}" in text_of(browser, ".messages")
    mark_page(browser)
    wait_for_text(browser, "#live .badge", "Running", seconds=LIVE_SECONDS)
    wait_for_text(browser, "#live", "Open TensorBoard", seconds=LIVE_SECONDS)
    assert same_page(browser)
    screenshot(browser, "job-restarted")

    # Delete it: the dialog says it cannot be undone; then the project's list says what was asked.
    dialog = open_dialog(browser, "delete")
    assert NAME in dialog.text and "cannot be undone" in dialog.text
    screenshot(browser, "job-delete-confirm")
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_page(browser, LIST_PATH)
    assert f"Deletion of “{NAME}” ({created}) requested by {USERNAME}" in text_of(browser, ".messages")
    screenshot(browser, "job-deleted")

    simulator.clock_offset_seconds += PACE_SECONDS + 1  # ModelArts deletes it one pace later
    assert created not in simulator.job_ids(DEMO.project_id)
    actions = AuditEvent.objects.filter(job_id=created, success=True).values_list("action", flat=True)
    assert sorted(actions) == sorted(["job_create", "job_stop", "job_restart", "job_delete"])


@pytest.mark.parametrize(
    ("action", "says"),
    [
        ("stop", "billing for it ends"),
        ("edit", "Only the description changes"),
        ("delete", "This cannot be undone."),
    ],
)
def test_each_action_asks_in_a_dialog_and_cancel_changes_nothing(
    browser, live_server, simulator, team_credential, operator, action, says
):
    open_logged_in(browser, live_server, detail_path(RUNNING))
    mark_page(browser)
    opener = find(browser, f"#live .job-actions a[data-dialog='dialog-{action}']")

    dialog = open_dialog(browser, action)
    assert RUNNING_NAME in dialog.text and says in dialog.text
    assert focused_in(browser, dialog)  # the keyboard is in the dialog
    if action in ("stop", "delete"):  # on Cancel, where Enter at once would act
        assert browser.execute_script("return document.activeElement.hasAttribute('data-dialog-close');")
    assert not find_all(browser, "#live a[data-dialog]:focus")
    screenshot(browser, f"job-{action}-dialog")

    click(browser, "dialog[open] [data-dialog-close]")
    wait(browser).until(lambda driver: not find_all(driver, "dialog[open]"))
    assert same_page(browser)  # Cancel went nowhere
    assert browser.execute_script("return document.activeElement === arguments[0];", opener)  # focus is back

    # Escape closes it too.
    dialog = open_dialog(browser, action)
    dialog.send_keys(Keys.ESCAPE)
    wait(browser).until(lambda driver: not find_all(driver, "dialog[open]"))
    assert browser.execute_script("return document.activeElement === arguments[0];", opener)
    assert same_page(browser)

    # Nothing was asked of ModelArts: the job runs on as it was.
    assert not any(simulator.calls[route] for route in ("stop", "restart", "update", "delete", "create"))
    job = job_in_modelarts(team_credential, RUNNING)
    assert (job.status, job.job_name, job.job_desc) == (8, RUNNING_NAME, "Seeded in status 8.")
    assert "Running" in badge(browser)
    assert not AuditEvent.objects.filter(job_id=RUNNING).exists()


def test_restart_asks_in_a_dialog_on_a_finished_job(browser, live_server, simulator, team_credential, operator):
    completed = seed.DEMO_STATUS_JOB_IDS[10]
    open_logged_in(browser, live_server, detail_path(completed))

    dialog = open_dialog(browser, "restart")
    assert "status-10" in dialog.text and "billed again while it runs" in dialog.text
    dialog.send_keys(Keys.ESCAPE)
    wait(browser).until(lambda driver: not find_all(driver, "dialog[open]"))

    assert simulator.calls["restart"] == 0
    assert job_in_modelarts(team_credential, completed).status == 10
