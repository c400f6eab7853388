"""The dashboard in a real browser, used as a person would: typing, choosing, clicking, reading the page.

Headless Chromium against the live server and the simulator's demo tenant. Each test saves screenshots of
the pages it reaches to the ignored tests/e2e/screenshots/, or with `make screenshots` to docs/screenshots/
(the README shows them).
"""

from datetime import timedelta

import pytest

pytest.importorskip("selenium", reason="Selenium is not installed: install the project's test extras")


from django.utils import timezone  # noqa: E402
from huey.contrib.djhuey import HUEY  # noqa: E402

from accounts.models import Credential  # noqa: E402
from jobs.status import STATUSES  # noqa: E402
from simulator import seed  # noqa: E402
from simulator.seed import DEMO  # noqa: E402
from tests.conftest import make_job, store_list  # noqa: E402
from tests.e2e.browser import (  # noqa: E402
    LIVE_POLL_SECONDS,
    choose,
    click,
    find,
    find_all,
    log_in,
    open_logged_in,
    phone_screenshot,
    screenshot,
    text_of,
    type_into,
    wait,
    wait_for_page,
    wait_for_query,
    wait_for_text,
)
from tests.e2e.people import PASSWORD, RUNNING, TEAM, USERNAME, detail_path  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


def test_log_in_add_a_credential_and_test_the_connection(browser, live_server, simulator, person):
    browser.get(live_server.url + "/")
    wait_for_page(browser, "/accounts/login/")
    assert text_of(browser, "h1") == "Log in"
    screenshot(browser, "login")

    log_in(browser, USERNAME, PASSWORD)
    wait_for_page(browser, "/")
    assert "no ModelArts credentials yet" in text_of(browser, "main")

    click(browser, text="Credentials")
    click(browser, text="Add a credential")
    wait_for_page(browser, "/credentials/add/")
    type_into(browser, "#id_name", TEAM)
    choose(browser, "#id_region", value=DEMO.region)
    type_into(browser, "#id_project_id", DEMO.project_id)
    click(browser, "#id_auth_kind_0")  # AK/SK
    type_into(browser, "#id_access_key", DEMO.access_key)
    type_into(browser, "#id_secret", DEMO.secret_key)
    click(browser, "#id_test_connection")  # untick: the public endpoint is not the simulator's
    click(browser, "form.stacked button[type=submit]")

    wait_for_page(browser, "/credentials/")
    assert f"Saved credential “{TEAM}”." in text_of(browser, ".messages")
    row = text_of(browser, "main table tbody tr")
    assert TEAM in row and DEMO.project_id in row and DEMO.access_key in row
    assert DEMO.secret_key not in browser.page_source

    # The form has no endpoint fields: an admin points the credential at the simulator.
    Credential.objects.filter(owner=person, project_id=DEMO.project_id).update(
        modelarts_endpoint=simulator.url, iam_endpoint=simulator.url
    )

    click(browser, text="Test connection")
    wait_for_text(browser, ".messages", f"“{TEAM}”: connected to ModelArts.")
    assert "✔ OK" in text_of(browser, "main table tbody tr")
    assert simulator.calls["list"] == 1
    screenshot(browser, "credentials")


def test_overview_lookup_list_search_filter_and_detail(browser, live_server, simulator, team_credential):
    open_logged_in(browser, live_server, "/")
    overview = text_of(browser, "table.projects")
    assert TEAM in overview and DEMO.project_id in overview
    wait_for_text(browser, "table.jobs caption", f"{simulator.jobs_per_project} jobs")
    screenshot(browser, "home")

    # Look a job up by its id.
    choose(browser, "#id_project_id", value=DEMO.project_id)
    type_into(browser, "#id_job_id", str(RUNNING))
    click(browser, text="Show job")
    wait_for_page(browser, detail_path(RUNNING))
    assert text_of(browser, "#live h1") == "running-with-autostop"
    assert "Running" in text_of(browser, "#live .badge")
    assert find(browser, "#live a.button").text == "Open TensorBoard"
    screenshot(browser, "detail")
    phone_screenshot(browser, "detail-phone")

    # The project's list, from the breadcrumb.
    click(browser, "nav.breadcrumb a:nth-of-type(2)")
    list_path = f"/projects/{DEMO.project_id}/visualization-jobs/"
    wait_for_page(browser, list_path)
    assert text_of(browser, "h1") == TEAM
    assert text_of(browser, "table.jobs caption").startswith(f"{simulator.jobs_per_project} jobs · page 1 of")
    screenshot(browser, "project")
    click(browser, "nav.pagination a[rel=next]")
    wait_for_query(browser, list_path, page="2")
    wait_for_text(browser, "table.jobs caption", "page 2 of")

    # Search by name and keep one status group.
    type_into(browser, "#id_q", "status-")
    choose(browser, "#id_group", value="failed")
    click(browser, "form.list-controls button[type=submit]")
    wait_for_query(browser, list_path, q="status-", group="failed")  # the view is in the URL
    failed = {f"status-{code:02d}" for code, status in STATUSES.items() if status.group == "failed"}
    wait_for_text(browser, "table.jobs caption", f"{len(failed)} jobs matching")
    names = {link.text for link in find_all(browser, "table.jobs tbody tr td:first-child a")}
    assert names == failed

    # Open one of them.
    click(browser, text="status-11")
    wait_for_page(browser, detail_path(seed.DEMO_STATUS_JOB_IDS[11]))
    assert text_of(browser, "#live h1") == "status-11"
    assert "Failed to run" in text_of(browser, "#live .badge")


def test_log_out_then_a_bookmarked_job_asks_to_log_in_and_opens(browser, live_server, team_credential):
    open_logged_in(browser, live_server, detail_path(RUNNING))
    click(browser, text=f"Log out {USERNAME}")
    wait_for_page(browser, "/accounts/login/")

    browser.get(live_server.url + detail_path(RUNNING))  # the bookmark
    wait_for_page(browser, "/accounts/login/")
    assert text_of(browser, "h1") == "Log in"
    log_in(browser, USERNAME, PASSWORD)

    wait_for_page(browser, detail_path(RUNNING))
    assert text_of(browser, "#live h1") == "running-with-autostop"


def test_detail_page_shows_a_status_change_without_a_reload(browser, live_server, simulator, settings, team_credential):
    settings.DETAIL_CACHE_SECONDS = 1
    open_logged_in(browser, live_server, detail_path(RUNNING))
    assert "Running" in text_of(browser, "#live .badge")
    browser.execute_script("window.e2eSamePage = true;")  # gone if the page were loaded again

    simulator.set_job(DEMO.project_id, RUNNING, status=10)

    badge = wait_for_text(browser, "#live .badge", "Completed", seconds=3 * LIVE_POLL_SECONDS)
    assert "Running" not in badge
    assert browser.execute_script("return window.e2eSamePage === true;")


@pytest.fixture
def queue_without_consumer(monkeypatch):
    """The task queue as a deployment has it: a page queues a refresh and answers, and the refresh runs
    elsewhere, later; not in the request, as in the tests' immediate mode. The test runs the queued tasks
    itself (run_queued_tasks), outside any request; the queue stays in memory."""
    monkeypatch.setattr(HUEY, "immediate_use_memory", False)  # leaving immediate mode keeps the memory queue
    monkeypatch.setattr(HUEY, "immediate", False)
    yield
    HUEY.flush()


def run_queued_tasks() -> int:
    """What a consumer does: take each queued task and run it. How many there were."""
    ran = 0
    while (task := HUEY.dequeue()) is not None:
        HUEY.execute(task)
        ran += 1
    return ran


def test_a_stale_list_refreshes_without_a_reload(
    browser, live_server, simulator, team_credential, queue_without_consumer
):
    store_list(
        team_credential, [make_job(1, job_name="stored-earlier")], fetched_at=timezone.now() - timedelta(hours=1)
    )
    list_path = f"/projects/{DEMO.project_id}/visualization-jobs/"
    open_logged_in(browser, live_server, list_path)
    assert "waiting for the background worker" in wait_for_text(browser, "#live .refresh-activity", "Refreshing…")
    assert text_of(browser, "table.jobs caption").startswith("1 job ·")  # the stored rows, at once
    browser.execute_script("window.e2eSamePage = true;")  # gone if the page were loaded again

    assert simulator.calls["list"] == 0  # the page queued the refresh; nothing ran it yet
    assert run_queued_tasks() == 1

    wait_for_text(browser, "table.jobs caption", f"{simulator.jobs_per_project} jobs", seconds=3 * LIVE_POLL_SECONDS)
    assert not find_all(browser, "#live .refresh-activity")
    assert "stored-earlier" not in text_of(browser, "table.jobs")
    assert browser.execute_script("return window.e2eSamePage === true;")
    assert simulator.calls["list"] == 1


def test_modelarts_failure_page(browser, live_server, simulator, settings, team_credential):
    settings.MODELARTS_RETRIES = 0
    job_id = seed.DEMO_STATUS_JOB_IDS[10]
    simulator.add_fault("http_500", job_id=job_id)

    open_logged_in(browser, live_server, detail_path(job_id))

    panel = text_of(browser, ".error-panel")
    assert "ModelArts reported an internal error." in panel
    assert "ModelArts.0010" in panel
    assert "Traceback" not in browser.page_source
    screenshot(browser, "error")


def test_switch_to_chinese_keeps_the_page(browser, live_server, team_credential):
    open_logged_in(browser, live_server, detail_path(RUNNING))
    assert find(browser, "html").get_attribute("lang") == "en"
    assert find_all(browser, "header #language-form"), "no language switcher in the header"

    choose(browser, "#language-select", value="zh-hans")
    click(browser, "#language-submit")

    # One script call: an element found on the old page would go stale while the new one loads.
    wait(browser).until(lambda driver: driver.execute_script("return document.documentElement.lang") == "zh-hans")
    wait_for_page(browser, detail_path(RUNNING))
    screenshot(browser, "detail-zh")
    assert "作业正在运行中" in text_of(browser, "#live .badge")
    assert text_of(browser, "#live h1") == "running-with-autostop"


def test_where_the_secret_goes_fits_a_phone(browser, live_server, team_credential):
    """An endpoint an administrator set, with its long note, wraps instead of pushing the page sideways."""
    team_credential.iam_endpoint = "https://iam.cn-north-4.hcs.example.internal"
    team_credential.save()
    open_logged_in(browser, live_server, f"/credentials/{team_credential.pk}/edit/")
    # A phone's width, without a phone's zooming out to whatever width the page takes.
    screen = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", screen)
    browser.refresh()
    wait_for_text(browser, "h2", "Where the secret is used")

    assert browser.execute_script("return document.documentElement.scrollWidth <= innerWidth")
