"""Every page fits the screen: on a 390 px phone and at the common desktop widths, in English and Chinese.

The pages come from the URLconf (tests/urlconf.py), each with the ids of real objects: the simulator's demo
project with its many jobs, a running job and a completed one, an auto-stop policy with a failure, an API
token. A page that scrolls sideways, or a table wider than the box it sits in (a cut-off "Open TensorBoard"),
fails. The status icons are pictures from static/, so they must have a size even without symbol fonts.
"""

from datetime import timedelta

import pytest

pytest.importorskip("selenium")

from django.utils import timezone  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from accounts.models import ApiToken  # noqa: E402
from jobs.models import AutoStopFailure, AutoStopPolicy  # noqa: E402
from jobs.refresh import refresh_job_list  # noqa: E402
from simulator import seed  # noqa: E402
from tests import urlconf  # noqa: E402
from tests.conftest import allow_operating  # noqa: E402
from tests.e2e.browser import PHONE, find, open_logged_in, screenshot, wait  # noqa: E402
from tests.e2e.people import RUNNING  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1280, 1366, 1920)
HEIGHT = 900
LANGUAGES = ("en", "zh-hans")
POST_ONLY = "an action: a GET is refused, there is no page to lay out"
EXCLUDED = {
    **urlconf.admin_pages("Django's own admin, for staff only"),
    "logout": POST_ONLY,
    "refresh-all": POST_ONLY,
    "project-refresh": POST_ONLY,
    "credential-test": POST_ONLY,
    "api-token-revoke": POST_ONLY,
    "set_language": "an action: a GET is sent back where it came from",
}
COMPLETED = seed.DEMO_STATUS_JOB_IDS[10]
# Pages of one job that only make sense for a job in another status than the running one.
JOB_FOR_PAGE = {"job-restart": COMPLETED}

# Whatever is wider than the screen or than the box around it, as "what: width > room" lines.
OVERFLOWS_JS = """
const problems = [];
const root = document.documentElement;
if (root.scrollWidth > innerWidth) problems.push(`page: ${root.scrollWidth} > ${innerWidth}`);
for (const table of document.querySelectorAll("table")) {
  const box = table.parentElement;
  const name = table.className || (table.caption ? table.caption.textContent.trim().slice(0, 30) : "table");
  const room = box.clientWidth;
  if (table.scrollWidth > room + 1) problems.push(`table ${name}: ${table.scrollWidth} > ${room}`);
  if (box.scrollWidth > room + 1) problems.push(`box of table ${name}: ${box.scrollWidth} > ${room}`);
}
return problems;
"""
WRAPPED_HEADERS_JS = """
const wrapped = [];
for (const cell of document.querySelectorAll("thead th")) {
  const text = cell.textContent.trim();
  if (!text || cell.querySelector(".visually-hidden")) continue;
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
  if (lines.size > 1) wrapped.push(text);
}
return wrapped;
"""


@pytest.fixture
def site(person, team_credential, settings):
    """The demo project's whole list fetched, someone allowed to act, and an object behind every page."""
    settings.LONG_RUNNING_HOURS = 1  # the demo's running jobs carry the long-running badge too
    allow_operating(person)
    refresh_job_list(team_credential)
    now = timezone.now()
    policy = AutoStopPolicy.objects.create(credential=team_credential, hours=2)
    AutoStopFailure.objects.create(
        policy=policy,
        job_id=RUNNING,
        job_name="running-job",
        consecutive_failures=2,
        failing_since=now - timedelta(hours=1),
        last_error="ModelArts.0108: no permission",
        last_error_at=now,
    )
    ApiToken.issue(person, "notebook on the training box")
    arguments = urlconf.sample_arguments(team_credential, person, job_id=RUNNING)
    paths = []
    for name in urlconf.pages(EXCLUDED):
        paths.append(urlconf.url(name, {**arguments, "job_id": JOB_FOR_PAGE.get(name, RUNNING)}))
    list_path = urlconf.url("project-jobs", arguments)
    detail = urlconf.url("job-detail", arguments)
    return {"paths": paths, "list": list_path, "long_list": f"{list_path}?per_page=100", "detail": detail}


def set_language(browser, language: str) -> None:
    """As the language switch leaves it (Django's language cookie); the browser must be on the site."""
    browser.add_cookie({"name": "django_language", "value": language, "path": "/"})


def lay_out(browser, width: int, height: int = HEIGHT, mobile: bool = False) -> None:
    """The page area exactly this wide, as a desktop's; not mobile, so a phone's zooming out to fit whatever
    width the page takes cannot hide an overflow."""
    screen = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", screen)


def visit(browser, live_server, path: str) -> bool:
    """Open the page and wait for it; False when it is not an HTML page (the API's JSON has no layout)."""
    browser.get(live_server.url + path)
    wait(browser).until(lambda driver: driver.execute_script("return document.readyState") == "complete")
    return browser.execute_script("return document.contentType") == "text/html"


def test_no_page_scrolls_sideways_and_no_table_overflows(browser, live_server, site):
    open_logged_in(browser, live_server, "/")
    paths = [*site["paths"], site["long_list"]]
    assert site["list"] in paths and "/" in paths and "/credentials/" in paths
    problems = []
    for language in LANGUAGES:
        set_language(browser, language)
        for width in WIDTHS:
            lay_out(browser, width)
            for path in paths:
                if not visit(browser, live_server, path):
                    assert path.startswith("/api/"), f"{path} is not an HTML page"
                    continue
                assert browser.execute_script("return document.documentElement.lang") == language, path
                problems += [f"{language} {width}px {path}: {p}" for p in browser.execute_script(OVERFLOWS_JS)]
    assert problems == [], "\n".join(problems)


def test_the_login_page_fits_too(browser, live_server):
    problems = []
    for language in LANGUAGES:
        browser.get(live_server.url + "/accounts/login/")
        set_language(browser, language)
        for width in WIDTHS:
            lay_out(browser, width)
            visit(browser, live_server, "/accounts/login/")
            problems += [f"{language} {width}px: {p}" for p in browser.execute_script(OVERFLOWS_JS)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_column_headers_stay_on_one_line_on_a_desktop(browser, live_server, site, language):
    open_logged_in(browser, live_server, "/")
    set_language(browser, language)
    wrapped = []
    for width in (1280, 1366, 1920):
        lay_out(browser, width)
        for path in ("/", site["long_list"], "/credentials/", "/settings/api-tokens/"):
            visit(browser, live_server, path)
            assert browser.execute_script("return document.documentElement.lang") == language
            wrapped += [f"{width}px {path}: {text}" for text in browser.execute_script(WRAPPED_HEADERS_JS)]
    assert wrapped == []


def test_on_a_phone_each_job_is_a_card_and_the_filters_stack(browser, live_server, site):
    open_logged_in(browser, live_server, site["list"])
    lay_out(browser, 390)
    visit(browser, live_server, site["list"])
    # One card per job, as wide as the list: the name on top, then each cell on a line named by its column.
    table = find(browser, "table.jobs").rect
    for row in browser.find_elements(By.CSS_SELECTOR, "table.jobs tbody tr"):
        assert row.rect["width"] == pytest.approx(table["width"], abs=2)
    first = browser.find_element(By.CSS_SELECTOR, "table.jobs tbody tr")
    name = first.find_element(By.CSS_SELECTOR, "a").rect
    shown = [cell for cell in first.find_elements(By.CSS_SELECTOR, "td") if cell.is_displayed()]
    labelled = {cell.get_attribute("data-label"): cell.rect for cell in shown if cell.get_attribute("data-label")}
    assert {"Status", "Created", "Duration"} <= set(labelled)
    assert all(rect["y"] >= name["y"] + name["height"] - 1 for rect in labelled.values())
    assert "Open TensorBoard" in browser.find_element(By.CSS_SELECTOR, "table.jobs tbody").text
    # The filters: one under the other, all starting at the form's left edge.
    form = find(browser, "form.list-controls").rect
    fields = [field.rect for field in browser.find_elements(By.CSS_SELECTOR, "form.list-controls .field")]
    assert len(fields) > 2
    assert {round(field["x"]) for field in fields} == {round(form["x"])}
    assert [field["y"] for field in fields] == sorted({field["y"] for field in fields})
    # The README's picture, on a 390x844 screen: cards from the one before the first running job on.
    lay_out(browser, *PHONE, mobile=True)
    browser.execute_script(
        "const rows = [...document.querySelectorAll('table.jobs tbody tr')];"
        "rows[Math.max(0, rows.findIndex((row) => row.querySelector('td.links a')) - 1)].scrollIntoView();"
    )
    screenshot(browser, "list-phone")


def test_status_icons_are_drawn(browser, live_server, site):
    """Every badge's icon is a drawn picture with a size, the long-running one too: no empty box where a
    font lacks a symbol."""
    open_logged_in(browser, live_server, site["long_list"])
    sized = (
        "return [...document.querySelectorAll('.badge svg.icon')].map((icon) => {"
        "  const box = icon.getBoundingClientRect(), shape = icon.querySelector('use').getBBox();"
        "  return [icon.closest('.badge').textContent.trim(), box.width, box.height, shape.width, shape.height];"
        "})"
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "table.jobs tbody tr")
    icons = browser.execute_script(sized)
    assert len(icons) > len(rows) and any("Long-running" in text for text, *_ in icons)
    try:  # the sprite arrives after the page: give it a moment to be drawn
        wait(browser).until(lambda driver: all(min(icon[1:]) > 0 for icon in driver.execute_script(sized)))
    except TimeoutException:
        assert [icon for icon in browser.execute_script(sized) if min(icon[1:]) <= 0] == []


def test_the_copy_link_button_sits_with_the_job_title(browser, live_server, site):
    """Beside the title on a desktop; right under it where a phone has no room beside a long name."""
    path = site["detail"]
    open_logged_in(browser, live_server, path)
    for width in (390, 1280):
        lay_out(browser, width)
        visit(browser, live_server, path)
        title = find(browser, "#live h1").rect
        button = find(browser, "#live button.copy-page-link").rect
        title_bottom = title["y"] + title["height"]
        if width == 1280:
            assert title["y"] <= button["y"] + button["height"] / 2 <= title_bottom, (title, button)
        else:
            assert title["y"] <= button["y"] <= title_bottom + 16, (title, button)
