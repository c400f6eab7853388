"""Every page, in both languages: labelled controls, tables with header cells, landmarks, a skip link,
keyboard-reachable controls, no inline script or style, nothing from another site, copy buttons."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
import responses
from django.contrib.staticfiles import finders
from django.test import Client

from audit.models import AuditEvent
from jobs.models import AutoStopFailure, AutoStopPolicy, JobListRefresh
from tests.conftest import PROJECT_A, PROJECT_B, make_job, store_list

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
DETAIL = f"/projects/{PROJECT_A}/visualization-jobs/10086/"
JOB = {
    "is_success": True,
    "job_id": 10086,
    "job_name": "resnet-tb",
    "status": 8,
    "create_time": 1700000000000,
    "duration": 93784000,
    "service_url": "https://tensorboard.example.com/10086/",
    "train_url": "obs://bucket/resnet/logs/",
    "schedule": {"type": "stop", "time_unit": "HOURS", "duration": 2},
}
LANGUAGES = ["en", "zh-hans"]
CONTROLS = ("input", "select", "textarea")
UNLABELLED_INPUT_TYPES = ("hidden", "submit", "button", "reset", "image")
EVENT_ATTRIBUTES = ("onclick", "onload", "onchange", "onsubmit", "oninput", "onkeydown", "onmouseover")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    inside_label: bool = False
    inside: set[str] = field(default_factory=set)


class PageAudit(HTMLParser):
    """The elements of a page, with their text and whether they sit inside a <label> or other elements."""

    VOID = {"input", "meta", "link", "br", "img", "hr", "source", "wbr", "area", "base", "col", "embed"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        element.inside = {parent.tag for parent in self.open}
        element.inside_label = "label" in element.inside
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for position in range(len(self.open) - 1, -1, -1):
            if self.open[position].tag == tag:
                del self.open[position:]
                return

    def handle_data(self, data):
        for element in self.open:
            element.text += data

    def find(self, tag: str, **attrs) -> list[Element]:
        return [
            element
            for element in self.elements
            if element.tag == tag and all(element.attrs.get(name.rstrip("_")) == value for name, value in attrs.items())
        ]


def audit(html: str) -> PageAudit:
    return PageAudit(html)


def unlabelled_controls(page: PageAudit) -> list[dict]:
    labelled_ids = {label.attrs.get("for") for label in page.find("label") if label.text.strip()}
    missing = []
    for element in page.elements:
        if element.tag not in CONTROLS:
            continue
        if element.tag == "input" and element.attrs.get("type", "text") in UNLABELLED_INPUT_TYPES:
            continue
        named = element.attrs.get("aria-label") or element.attrs.get("aria-labelledby")
        if not (named or element.inside_label or element.attrs.get("id") in labelled_ids):
            missing.append(element.attrs)
    return missing


def check_page(html: str, language: str, *, logged_in: bool) -> PageAudit:
    page = audit(html)
    assert page.find("html")[0].attrs["lang"] == language
    # Landmarks: one header, main and footer; the main navigation once logged in.
    for landmark in ("header", "main", "footer"):
        assert len(page.find(landmark)) == 1, landmark
    assert bool(page.find("nav")) or not logged_in
    assert all(nav.attrs.get("aria-label") for nav in page.find("nav"))
    # The skip link leads to the main content.
    skip = page.find("a", class_="skip-link")
    assert skip and skip[0].attrs["href"] == "#main" and skip[0].text.strip()
    assert page.find("main")[0].attrs.get("id") == "main"
    # Every form control has a label (or an aria-label); every table has header cells, each with a scope.
    assert unlabelled_controls(page) == []
    header_cells = page.find("th")
    assert all("table" in cell.inside for cell in header_cells)
    for _table in page.find("table"):
        assert header_cells
    assert all(cell.attrs.get("scope") in ("col", "row", "colgroup", "rowgroup") for cell in header_cells)
    # Every button says what it does; nothing is click-only (no handlers on non-controls, no inline script).
    for button in page.find("button"):
        assert button.attrs.get("type") in ("submit", "button"), button.attrs
        assert button.text.strip() or button.attrs.get("aria-label"), button.attrs
    for element in page.elements:
        assert not set(element.attrs) & set(EVENT_ATTRIBUTES), element.attrs
        assert "style" not in element.attrs, element.attrs
        if element.tag == "a":
            assert element.attrs.get("href"), element.attrs  # a link without href cannot be focused
    for script in page.find("script"):
        assert not script.text.strip(), script.attrs
    # Nothing from another site: scripts and stylesheets are our own static files.
    for link in page.find("link"):
        assert link.attrs["href"].startswith("/static/"), link.attrs
    for script in page.find("script"):
        assert script.attrs["src"].startswith("/static/"), script.attrs
    # Ids are unique, so every label and aria reference points at one element.
    ids = [element.attrs["id"] for element in page.elements if "id" in element.attrs]
    assert len(ids) == len(set(ids)), sorted(ids)
    # Times: machine-readable UTC, the UTC value on hover.
    for time in page.find("time"):
        assert time.attrs["datetime"].endswith("Z")
        assert time.attrs["datetime"] in time.attrs.get("title", "")
    # The language switch works without JavaScript: a form with a labelled select and a submit button.
    assert page.find("form", id="language-form") and page.find("select", id="language-select")
    assert page.find("button", id="language-submit")[0].attrs["type"] == "submit"
    return page


@pytest.fixture
def cached_jobs(alice_credential):
    now = datetime.now(UTC)
    return store_list(
        alice_credential,
        [
            make_job(10086, job_name="resnet-tb", status=8, create_time=now - timedelta(days=2), duration_ms=None),
            make_job(10087, job_name="bert", status=10, create_time=now - timedelta(days=3)),
            make_job(10088, job_name="odd", status=99, create_time=None),
        ],
        fetched_at=now - timedelta(minutes=1),
    )


def pages(alice_credential) -> dict[str, int]:
    """Path -> expected status, for every page a signed-in user can reach (ModelArts mocked)."""
    return {
        "/": 200,
        "/?group=running&sort=name": 200,
        f"/projects/{PROJECT_A}/visualization-jobs/": 200,
        f"/projects/{PROJECT_A}/visualization-jobs/?status=99": 200,
        DETAIL: 200,
        f"{DETAIL}stop/": 200,
        f"{DETAIL}restart/": 409,  # not in the running job's status: the page says so
        f"{DETAIL}edit/": 200,
        f"{DETAIL}delete/": 200,
        f"/projects/{PROJECT_A}/auto-stop/": 200,
        f"/projects/{PROJECT_A}/visualization-jobs/new/": 200,
        f"/projects/{PROJECT_A}/visualization-jobs/stop/?job=10086&job=10087": 200,  # only the running one listed
        f"/projects/{PROJECT_A}/visualization-jobs/404/": 404,
        f"/projects/{PROJECT_B}/visualization-jobs/1/": 404,
        "/lookup/?project_id=x&job_id=abc": 400,
        "/credentials/": 200,
        "/credentials/add/": 200,
        f"/credentials/{alice_credential.pk}/edit/": 200,
        f"/credentials/{alice_credential.pk}/delete/": 200,
        "/no-such-page/": 404,
    }


def mock_modelarts():
    responses.get(f"{UPSTREAM}/10086", json=JOB)
    responses.get(f"{UPSTREAM}/404", status=404, json={"error_code": "ModelArts.0104", "error_msg": "not exist"})


@pytest.mark.parametrize("language", LANGUAGES)
@responses.activate
def test_every_signed_in_page(alice_client, alice_credential, operator, cached_jobs, language):
    mock_modelarts()
    JobListRefresh.objects.filter(credential=alice_credential).update(
        last_error="ModelArts.0108: denied",
        last_error_kind="IamPermissionDenied",
        last_error_code="ModelArts.0108",
        last_error_at=datetime.now(UTC),
    )
    for path, status in pages(alice_credential).items():
        response = alice_client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == status, path
        check_page(response.content.decode(), language, logged_in=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_without_credentials_or_login(client, alice_client, language):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language)
    check_page(response.content.decode(), language, logged_in=False)
    response = alice_client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    check_page(response.content.decode(), language, logged_in=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_lockout_and_unreadable_secret_pages(alice, alice_client, alice_credential, settings, language):
    settings.AXES_FAILURE_LIMIT = 1
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert locked.status_code == 429
    check_page(locked.content.decode(), language, logged_in=False)

    settings.CREDENTIAL_KEYS = ["bmV3LWtleS1ub3QtdGhlLW9sZC1vbmUtMDAwMDAwMDA="]
    unreadable = alice_client.get(DETAIL, HTTP_ACCEPT_LANGUAGE=language)
    assert unreadable.status_code == 503
    check_page(unreadable.content.decode(), language, logged_in=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_auto_stop_policy_with_its_preview_failures_and_stops(
    alice, alice_client, alice_credential, operator, language
):
    """The policy page's parts that only show with data: its preview table, failures, latest stops; and the
    overview's policy section."""
    now = datetime.now(UTC)
    store_list(alice_credential, [make_job(1, status=8, duration_ms=30 * 3_600_000)], fetched_at=now)
    policy = AutoStopPolicy.objects.create(credential=alice_credential, hours=24)
    AutoStopFailure.objects.create(
        policy=policy, job_id=1, consecutive_failures=2, failing_since=now, last_error="x", last_error_at=now
    )
    AuditEvent.objects.create(
        actor=alice, action="job_stop", project_id=PROJECT_A, job_id=2, origin="policy", job_hours=30
    )
    page = f"/projects/{PROJECT_A}/auto-stop/"

    for response in (
        alice_client.get(page, HTTP_ACCEPT_LANGUAGE=language),
        alice_client.post(page, {"hours": "24"}, HTTP_ACCEPT_LANGUAGE=language),
        alice_client.post(page, {"hours": "0"}, HTTP_ACCEPT_LANGUAGE=language),
        alice_client.get("/", HTTP_ACCEPT_LANGUAGE=language),
    ):
        assert response.status_code in (200, 400)
        check_page(response.content.decode(), language, logged_in=True)


def test_the_checks_catch_what_they_look_for():
    base = (
        '<html lang="en"><header></header><nav aria-label="m"></nav><a class="skip-link" href="#main">Skip</a>'
        '<main id="main">{}</main><footer></footer><form id="language-form"><label for="language-select">L</label>'
        '<select id="language-select"></select><button type="submit" id="language-submit">Go</button></form></html>'
    )
    check_page(base.format('<label>Only <input type="checkbox" name="x"></label>'), "en", logged_in=True)
    for broken in (
        '<input name="q">',
        '<select name="s"></select>',
        "<table><tr><td>1</td></tr></table>",
        "<table><tr><th>1</th></tr></table>",
        "<button>Copy</button>",
        '<button type="button"></button>',
        '<span onclick="go()">go</span>',
        '<time datetime="2026-01-01T00:00:00Z">then</time>',
        "<script>alert(1)</script>",
        "<a>nowhere</a>",
    ):
        with pytest.raises(AssertionError):
            check_page(base.format(broken), "en", logged_in=True)


@responses.activate
def test_copy_buttons_on_the_detail_page(alice_client, alice_credential):
    mock_modelarts()

    page = audit(alice_client.get(DETAIL).content.decode())

    copies = {
        button.attrs["data-copy"]: button for button in page.find("button") if "copy" in button.attrs.get("class", "")
    }
    assert set(copies) == {"10086", "obs://bucket/resnet/logs/", f"http://testserver{DETAIL}"}
    for button in copies.values():
        assert button.attrs["type"] == "button"
        assert button.text.strip() == "Copy" or button.text.strip().startswith("Copy ")
    assert "Copy job ID" in copies["10086"].attrs["aria-label"]
    status = page.find("div", id="copy-status")[0]
    assert status.attrs["aria-live"] == "polite" and status.attrs["data-copied"] == "Copied"


@responses.activate
def test_the_page_link_is_the_stable_detail_url(alice_client, alice_credential, settings):
    settings.ALLOWED_HOSTS = ["dash.example.com"]
    mock_modelarts()

    page = audit(alice_client.get(DETAIL + "?utm=mail", HTTP_HOST="dash.example.com").content.decode())

    links = [button.attrs["data-copy"] for button in page.find("button") if "http" in button.attrs.get("data-copy", "")]
    assert links == [f"http://dash.example.com{DETAIL}"]


def test_copy_buttons_in_list_rows(alice_client, cached_jobs):
    page = audit(alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/").content.decode())

    copies = sorted(button.attrs["data-copy"] for button in page.find("button") if button.attrs.get("data-copy"))
    assert copies == ["10086", "10087", "10088"]


def test_copy_labels_are_translated(alice_client, cached_jobs):
    html = alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    page = audit(html.decode())

    assert page.find("div", id="copy-status")[0].attrs["data-copied"] == "已复制"
    assert {button.text.strip() for button in page.find("button") if button.attrs.get("data-copy")} == {"复制"}


def test_scripts_and_styles_are_our_own_files():
    for name in ("js/copy.js", "js/live.js", "js/local-time.js", "css/app.css"):
        assert finders.find(name), name
    copy_js = open(finders.find("js/copy.js"), encoding="utf-8").read()
    assert "navigator.clipboard" in copy_js and "textarea" in copy_js and "copy-status" in copy_js
    css = open(finders.find("css/app.css"), encoding="utf-8").read()
    assert "@import" not in css and "url(http" not in css
    assert ".table-scroll { overflow-x: auto;" in css  # wide tables scroll sideways on a phone
