"""Fault-injection matrix: every page that reaches ModelArts, against every fault the simulator can play.

Each case pairs a fault (the network, the API gateway, ModelArts or IAM misbehaving, or a credential that
cannot work) with a page that reaches ModelArts (job detail with and without a cached row, a stale list with
and without an earlier one, "Refresh now" on a project and on the overview, "Test connection", and the JSON
API's detail and list). It visits
the page as alice, over real HTTP to the simulator, and checks what she gets: a fitting status and never a
500, the failure's own words and ModelArts error code where the page shows errors, the cached data still
shown, and nothing lost from the database. ``test_failure_is_explained`` checks separately that each
failure carries the error's title and advice (jobs/failures.py), so a page that lacks them fails
alone without hiding anything else.

The writes go through the same faults (``test_write_under_fault``): every action on a job on its page and
through the API (stop, restart, edit, delete, create, the project's bulk stop) and the auto-stop policy's run.
Each must fail with a clear message and the right status (a page redirects to where it says what became
of the action; the "New job" form and the API answer with the failure's status), audit the failure,
change no cached row, and reach ModelArts once: a write is never sent again, except after a 401 (refused before
ModelArts acted) and on a connection error before anything was sent.

To add a fault, append a ``Fault`` to FAULTS; to add a page, a ``Page`` to PAGES, or a ``Write`` to WRITES. A
new URL fails ``test_every_page_that_reaches_modelarts_is_in_the_matrix`` until it is in PAGES or WRITES, or in
EXCLUDED with a reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from html import unescape
from uuid import uuid4

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import ApiToken, Credential
from audit.models import AuditEvent
from jobs import actions, clients, failures, policies, refresh
from jobs.models import AutoStopFailure, AutoStopPolicy, CachedJob, JobCreation
from modelarts import errors
from modelarts.client import VisualizationJob
from simulator import seed
from simulator.seed import DEMO
from simulator.server import Simulator
from tests.conftest import make_credential, make_job, store_list
from tests.urlconf import admin_pages, assert_every_page_decided, sample_arguments, url

pytestmark = pytest.mark.django_db

READ_TIMEOUT = 0.3  # seconds; the simulator's delays below are well past it
TIMED_OUT = f"did not answer within {READ_TIMEOUT:g} s"

JOB_ID = seed.DEMO_RUNNING_JOB_ID
LIVE_NAME = "running-with-autostop"  # the job's name in the simulator
CACHED_NAME = "cached-running-job"  # its cached row's name, so a page shows which of the two it used
MISSING_JOB_ID = 1  # no job has this id in the simulator
EARLIER_LIST = (make_job(901, job_name="earlier-resnet"), make_job(902, job_name="earlier-bert"))
STORED_AGO = timedelta(minutes=10)  # older than LIST_TTL: a list stored this long ago is stale
MAX_RESPONSE_BYTES = 256 * 1024  # the dashboard's bound in these tests; the simulator's answers are smaller
HUGE_BYTES = 1024 * 1024


# Faults


# The writes that act on one job (a missing job applies to them); WRITES, below, has them all.
JOB_WRITES = frozenset(
    {"job-stop", "job-restart", "job-edit", "job-delete", "project-stop", "api-stop", "api-restart", "api-edit"}
    | {"api-delete"}
)
Inject = Callable[[Simulator, Credential], None]


def nothing(simulator: Simulator, credential: Credential) -> None:
    """No fault in the simulator: the credential itself is the trouble."""


def play(kind: str, **params) -> Inject:
    """A simulator fault rule that applies to every matching call of the case."""

    def inject(simulator: Simulator, credential: Credential) -> None:
        simulator.add_fault(kind, **params)

    return inject


def clock_off(minutes: int) -> Inject:
    def inject(simulator: Simulator, credential: Credential) -> None:
        simulator.clock_offset_seconds = minutes * 60

    return inject


def token_expired(then: Inject = nothing) -> Inject:
    """The dashboard holds a token from an earlier call, which then expires; ``then``: more trouble."""

    def inject(simulator: Simulator, credential: Credential) -> None:
        clients.client_for(credential).list_visualization_jobs(per_page=1)
        simulator.expire_tokens()
        then(simulator, credential)

    return inject


def stored_access_key(access_key: str) -> Inject:
    """The credential's access key as a row saved before access keys were validated could hold it."""

    def inject(simulator: Simulator, credential: Credential) -> None:
        Credential.objects.filter(pk=credential.pk).update(access_key=access_key)

    return inject


def tokens_live(seconds: float) -> Inject:
    def inject(simulator: Simulator, credential: Credential) -> None:
        simulator.token_ttl_seconds = seconds

    return inject


@dataclass(frozen=True)
class Fault:
    name: str
    error: type[errors.ModelArtsError] | None  # what the dashboard makes of it; None: it copes, the page works
    says: str | dict[str, str] = ""  # the failure's own words, per simulator route where they differ
    code: str = ""  # the ModelArts or API Gateway error code, where the answer carried one
    advice: str = ""  # the advice shown, where it is not the error class's own
    credential: str = "aksk"  # a key of credential_fields()
    inject: Inject = nothing
    job_id: int = JOB_ID  # the job a detail page asks for
    token_calls: int | None = None  # IAM token requests expected in all (renewals, no loops)
    only_on: frozenset[str] | None = None  # page and write names; None: every page and write
    writes_sent: int = 1  # how often a write reaches ModelArts: once, or not at all, or again after a 401
    # Write routes where the dashboard copes: ModelArts said is_success, and the write needs nothing else of the answer.
    copes_on: frozenset[str] = frozenset()
    may_have_acted: bool = False  # ModelArts got the write, but its answer was lost or unreadable

    def fails(self, route: str) -> bool:
        return self.error is not None and route not in self.copes_on

    def words(self, route: str) -> str:
        return self.says[route] if isinstance(self.says, dict) else self.says


FAULTS = [
    Fault("connection-refused", errors.ConnectionFailed, "Connection refused", credential="closed-port", writes_sent=0),
    Fault(
        "read-timeout", errors.UpstreamTimeout, TIMED_OUT, inject=play("timeout", delay_ms=1000), may_have_acted=True
    ),
    Fault("slow-answer", errors.UpstreamTimeout, TIMED_OUT, inject=play("slow", delay_ms=700), may_have_acted=True),
    Fault(
        "rate-limited",
        errors.Busy,
        "System busy. Please try again later.",
        "ModelArts.6101",
        inject=play("rate_limit", retry_after=5),
    ),
    Fault(
        "http-500",
        errors.ServiceError,
        "Internal error.",
        "ModelArts.0010",
        inject=play("http_500"),
        may_have_acted=True,
    ),
    Fault(
        "http-502",
        errors.ServiceError,
        "Backend unavailable.",
        "APIGW.0201",
        inject=play("http_502"),
        may_have_acted=True,
    ),
    Fault("http-503", errors.Busy, "HTTP 503 with a non-JSON answer (text/html body", inject=play("http_503")),
    Fault(
        "http-504",
        errors.UpstreamTimeout,
        "Backend timeout.",
        "APIGW.0201",
        inject=play("http_504"),
        may_have_acted=True,
    ),
    Fault(
        "html-instead-of-json",
        errors.ServiceError,
        "HTTP 502 with a non-JSON answer (text/html body",
        inject=play("html"),
        may_have_acted=True,
    ),
    Fault(
        "truncated-json",
        errors.BadResponse,
        "The answer is not valid JSON",
        inject=play("malformed_json"),
        may_have_acted=True,
    ),
    Fault(
        "wrong-types",
        errors.BadResponse,
        {
            "detail": "The field 'job_id' is missing",
            "list": "'jobs' should be a list, got dict",
            "create": "The field 'job_id' is missing",
        },
        inject=play("wrong_types"),
        copes_on=frozenset({"stop", "restart", "update", "delete"}),
        may_have_acted=True,
    ),
    Fault(
        "deeply-nested",
        errors.BadResponse,
        "nested more than 32 levels deep",
        inject=play("deeply_nested"),
        may_have_acted=True,
    ),
    Fault(
        "huge-answer",
        errors.BadResponse,
        f"larger than {MAX_RESPONSE_BYTES} bytes",
        advice="Try again; if ModelArts really sends answers this large, raise MODELARTS_MAX_RESPONSE_BYTES.",
        inject=play("huge", size_bytes=HUGE_BYTES),
        may_have_acted=True,
    ),
    Fault(
        "is-success-false",
        errors.ServiceError,
        "Internal error.",
        "ModelArts.0010",
        inject=play("is_success_false"),
        may_have_acted=True,
    ),
    Fault(
        "connection-dropped",
        errors.ConnectionFailed,
        "closed without an answer",
        inject=play("reset"),
        may_have_acted=True,
    ),
    Fault(
        "wrong-secret-key",
        errors.AuthenticationFailed,
        "verify aksk signature fail",
        "APIGW.0301",
        credential="wrong-secret",
    ),
    Fault("clock-20-min-ahead", errors.ClockSkew, "more than 15 minutes", "APIGW.0303", inject=clock_off(20)),
    Fault("clock-20-min-behind", errors.ClockSkew, "more than 15 minutes", "APIGW.0303", inject=clock_off(-20)),
    Fault(
        "missing-job",
        errors.NotFound,
        f"Visualization job {MISSING_JOB_ID} does not exist.",
        "ModelArts.0104",
        job_id=MISSING_JOB_ID,
        only_on=frozenset({"detail", "detail-cached", "api-detail", *JOB_WRITES}),
    ),
    Fault(
        "malformed-stored-access-key",
        errors.CredentialMalformed,
        "The access key contains a space, a line break",
        inject=stored_access_key(DEMO.access_key + "\r\nX-Injected: 1"),
        writes_sent=0,
    ),
    # With an IAM password credential: tokens.
    Fault("token-expired", None, credential="iam", inject=token_expired(), token_calls=2, writes_sent=2),
    Fault(
        "token-expired-iam-down",
        errors.Busy,
        "IAM answered HTTP 503",
        credential="iam",
        inject=token_expired(then=play("http_503", route="token")),
        token_calls=2,
    ),
    Fault(
        "token-refused-after-renewal",
        errors.AuthenticationFailed,
        "token expires",
        "APIGW.0301",
        credential="iam",
        inject=tokens_live(0),
        token_calls=2,
        writes_sent=2,
    ),
    Fault(
        "iam-timeout",
        errors.UpstreamTimeout,
        TIMED_OUT,
        credential="iam",
        inject=play("timeout", route="token", delay_ms=1000),
        token_calls=1,
        writes_sent=0,
    ),
    Fault(
        "wrong-iam-password",
        errors.AuthenticationFailed,
        "The username or password is wrong.",
        advice="Check the IAM domain (account) name, user name and password, and the project id.",
        credential="iam-wrong-password",
        token_calls=1,
        writes_sent=0,
    ),
]


def credential_fields(kind: str, simulator: Simulator, unused_port: int) -> dict:
    """make_credential() arguments (``secret`` included) for alice's credential to the demo tenant."""
    endpoints = {"modelarts_endpoint": simulator.url, "iam_endpoint": simulator.url}
    aksk = {"access_key": DEMO.access_key, "secret": DEMO.secret_key, **endpoints}
    iam = {
        "auth_kind": Credential.AuthKind.PASSWORD,
        "access_key": "",
        "iam_domain": DEMO.domain_name,
        "iam_user": DEMO.user_name,
        "secret": DEMO.password,
        **endpoints,
    }
    closed = f"http://127.0.0.1:{unused_port}"
    return {
        "aksk": aksk,
        "wrong-secret": {**aksk, "secret": "Wrong" + DEMO.secret_key[5:]},
        "closed-port": {**aksk, "modelarts_endpoint": closed, "iam_endpoint": closed},
        "iam": iam,
        "iam-wrong-password": {**iam, "secret": "Wrong-Passw0rd!"},
    }[kind]


# Pages


# Where each kind of page shows a failure: the text shown, or None when it shows none.
Shown = Callable[[str], str | None]


def html_part(pattern: str) -> Shown:
    def shown(body: str) -> str | None:
        found = re.search(pattern, body, re.DOTALL)
        return unescape(strip_tags(found.group())) if found else None

    return shown


def json_failure(body: str) -> str | None:
    """The API's error object, or a list's last refresh error beside the list, as one text."""
    answer = json.loads(body)
    failure = answer.get("error") or answer.get("last_error")
    return " ".join(str(value) for value in failure.values()) if failure else None


DETAIL_PANEL = html_part(r'<section class="error-panel".*?</section>')
LIST_PANEL = html_part(r'<div class="error-panel".*?</div>')
PROJECT_ROW_ERROR = html_part(r'<span class="error-text">.*?</td>')
ERROR_MESSAGE = html_part(r'<li class="message message--error".*?</li>')


@dataclass(frozen=True)
class Page:
    name: str
    url: str  # the URL name of the page visited
    route: str  # the ModelArts call the page makes: "detail" or "list"
    shows_error: Shown  # where the page shows a failure
    failure_status: int | None  # the final status on failure; None: the status failures.FAILURES gives the error
    stored: Callable[[int], tuple[VisualizationJob, ...]] = lambda job_id: ()  # cached rows, given the job id
    redirect: str | None = None  # a POST, followed to the page of this URL name
    keeps: tuple[str, ...] = ()  # shown on failure: the cached data, or why there is none
    recovered: tuple[str, ...] = ()  # shown when the dashboard copes ({jobs}: the simulator's job count)
    fetches_list: bool = False  # on success the cached list is the simulator's
    records_check: bool = False  # remembers the outcome on the credential


REFRESH_NOW = Page(
    "refresh-now",
    "project-refresh",
    "list",
    LIST_PANEL,  # the refresh is queued; its outcome shows in the list's refresh box, not in a message
    200,
    stored=lambda job_id: EARLIER_LIST,
    redirect="project-jobs",
    keeps=("The last refresh failed", "earlier-resnet", "earlier-bert"),
    recovered=("{jobs} jobs in ModelArts",),
    fetches_list=True,
)
PAGES = [
    Page("detail", "job-detail", "detail", DETAIL_PANEL, None, keeps=("<h1>Job ",), recovered=(LIVE_NAME,)),
    Page(
        "detail-cached",
        "job-detail",
        "detail",
        DETAIL_PANEL,
        None,
        stored=lambda job_id: (make_job(job_id, job_name=CACHED_NAME, status=8),),
        keeps=(CACHED_NAME, 'class="message message--warning'),  # the notice saying how old the data is
        recovered=(LIVE_NAME,),
    ),
    Page(
        "list-stale",
        "project-jobs",
        "list",
        LIST_PANEL,
        200,
        stored=lambda job_id: EARLIER_LIST,
        keeps=("earlier-resnet", "earlier-bert", "Showing the list as fetched"),
        recovered=("{jobs} jobs in ModelArts",),
        fetches_list=True,
    ),
    Page(
        "list-never-fetched",
        "project-jobs",
        "list",
        LIST_PANEL,
        502,
        keeps=("There is no earlier list to show",),
        recovered=("{jobs} jobs in ModelArts",),
        fetches_list=True,
    ),
    REFRESH_NOW,
    replace(  # every project's, on the overview: its projects table says why a refresh failed
        REFRESH_NOW,
        name="refresh-all",
        url="refresh-all",
        redirect="home",
        shows_error=PROJECT_ROW_ERROR,
        keeps=("last refresh failed", "earlier-resnet", "earlier-bert"),
        recovered=(),
    ),
    Page(
        "test-connection",
        "credential-test",
        "list",
        ERROR_MESSAGE,
        200,
        redirect="credential-list",
        recovered=("connected to ModelArts.",),
        records_check=True,
    ),
    Page("api-detail", "api-job-detail", "detail", json_failure, None, recovered=(LIVE_NAME,)),
    Page(
        "api-list-stale",
        "api-job-list",
        "list",
        json_failure,
        200,
        stored=lambda job_id: EARLIER_LIST,
        keeps=("earlier-resnet", "earlier-bert"),
        recovered=('"total": {jobs}',),
        fetches_list=True,
    ),
    Page(
        "api-list-never-fetched",
        "api-job-list",
        "list",
        json_failure,
        502,
        recovered=('"total": {jobs}',),
        fetches_list=True,
    ),
]


NO_MODELARTS = "never reaches ModelArts"
# Pages that are not in the matrix, and why.
EXCLUDED = {
    "home": "refreshes stale lists too, but shows only that the last refresh failed: the project page says why",
    "lookup": "only checks the form and redirects to the job's detail page",
    "credential-list": NO_MODELARTS,
    "credential-add": NO_MODELARTS,
    "credential-edit": NO_MODELARTS,
    "credential-delete": NO_MODELARTS,
    "api-tokens": NO_MODELARTS,
    "api-token-revoke": NO_MODELARTS,
    "api-schema": NO_MODELARTS,
    "api-docs": NO_MODELARTS,
    "login": NO_MODELARTS,
    "logout": NO_MODELARTS,
    "password_change": NO_MODELARTS,
    "password_change_done": NO_MODELARTS,
    "password_reset": NO_MODELARTS,
    "password_reset_done": NO_MODELARTS,
    "password_reset_confirm": NO_MODELARTS,
    "password_reset_complete": NO_MODELARTS,
    "set_language": NO_MODELARTS,
    **admin_pages(NO_MODELARTS),
}


def covered() -> set[str]:
    """The URL names the matrix visits: its pages, and its writes (the auto-stop page's through the policy's run)."""
    return {page.url for page in PAGES} | {write.url for write in WRITES}


def test_every_page_that_reaches_modelarts_is_in_the_matrix(with_mail):
    assert_every_page_decided(covered(), EXCLUDED)


def address(name: str, credential: Credential, job_id: int) -> str:
    """The URL of a page for this credential's project and job."""
    return url(name, sample_arguments(credential, credential.owner, job_id=job_id))


def matrix(failures_only: bool = False) -> list:
    cases = []
    for fault in FAULTS:
        if failures_only and fault.error is None:
            continue
        for page in PAGES:
            if fault.only_on is not None and page.name not in fault.only_on:
                continue
            cases.append(pytest.param(fault, page, id=f"{fault.name}@{page.name}"))
    return cases


# One case


@dataclass(frozen=True)
class Snapshot:
    rows: list[tuple]
    fetched_at: datetime | None


def snapshot(credential: Credential) -> Snapshot:
    rows = CachedJob.objects.filter(credential=credential).order_by("job_id")
    state = refresh.list_state(credential)
    return Snapshot(list(rows.values_list("job_id", "job_name", "fetched_at")), state and state.fetched_at)


@dataclass(frozen=True)
class Visit:
    response: HttpResponse
    credential: Credential
    secret: str
    before: Snapshot

    @property
    def html(self) -> str:
        return self.response.content.decode()

    @property
    def text(self) -> str:
        return unescape(self.html)

    def error_shown(self, page: Page) -> str:
        """The text where the page shows a failure; fails the test when there is none."""
        shown = page.shows_error(self.html)
        assert shown is not None, f"no error where the {page.name} page shows one (status {self.response.status_code})"
        return shown


@pytest.fixture(autouse=True)
def fast_failures(settings):
    settings.MODELARTS_RETRIES = 0
    settings.MODELARTS_RETRY_BACKOFF = 0
    settings.MODELARTS_CONNECT_TIMEOUT = 1
    settings.MODELARTS_READ_TIMEOUT = READ_TIMEOUT
    settings.MODELARTS_MAX_RESPONSE_BYTES = MAX_RESPONSE_BYTES


@pytest.fixture
def visit(alice, simulator, unused_port) -> Callable[[Fault, Page], Visit]:
    """Set the case up and open the page as alice; a crash is answered with a 500 page, not raised."""
    viewer = Client(raise_request_exception=False)
    viewer.force_login(alice)

    def run(fault: Fault, page: Page) -> Visit:
        fields = credential_fields(fault.credential, simulator, unused_port)
        credential = make_credential(alice, project_id=DEMO.project_id, region=DEMO.region, **fields)
        stored = page.stored(fault.job_id)
        if stored:
            store_list(credential, list(stored), fetched_at=timezone.now() - STORED_AGO)
        fault.inject(simulator, credential)
        before = snapshot(credential)
        path = address(page.url, credential, fault.job_id)
        response = viewer.post(path, follow=True) if page.redirect else viewer.get(path)
        return Visit(response, credential, fields["secret"], before)

    return run


def assert_credential_intact(visit: Visit) -> Credential:
    credential = Credential.objects.get(pk=visit.credential.pk)
    assert credential.get_secret() == visit.secret
    return credential


def assert_failure_shown(visit: Visit, fault: Fault, page: Page) -> None:
    assert visit.response.status_code == (page.failure_status or failures.FAILURES[fault.error].status)
    shown = visit.error_shown(page)
    assert fault.words(page.route) in shown
    if fault.code:
        assert fault.code in shown
    for text in page.keeps:
        assert text in visit.text
    assert snapshot(visit.credential) == visit.before
    credential = assert_credential_intact(visit)
    if page.records_check:
        assert credential.last_check_ok is False
        assert fault.words(page.route) in credential.last_check_message


def assert_recovered(visit: Visit, page: Page, simulator: Simulator) -> None:
    assert visit.response.status_code == 200
    assert "error-panel" not in visit.html
    assert "message--error" not in visit.html
    assert page.shows_error(visit.html) is None
    for text in page.recovered:
        assert text.format(jobs=simulator.jobs_per_project) in visit.text
    if page.fetches_list:
        assert CachedJob.objects.filter(credential=visit.credential).count() == simulator.jobs_per_project
    credential = assert_credential_intact(visit)
    if page.records_check:
        assert credential.last_check_ok is True


@pytest.mark.parametrize(("fault", "page"), matrix())
def test_page_under_fault(visit, simulator, fault, page):
    result = visit(fault, page)

    assert result.response.status_code != 500
    assert "Traceback" not in result.html
    if page.redirect:
        assert result.response.redirect_chain == [(address(page.redirect, result.credential, fault.job_id), 302)]
    if fault.error is None:
        assert_recovered(result, page, simulator)
    else:
        assert_failure_shown(result, fault, page)
    if fault.token_calls is not None:
        assert simulator.calls["token"] == fault.token_calls


@pytest.mark.parametrize(("fault", "page"), matrix(failures_only=True))
def test_failure_is_explained(visit, fault, page):
    shown = visit(fault, page).error_shown(page)

    assert failures.FAILURES[fault.error].title in shown
    assert (fault.advice or failures.FAILURES[fault.error].advice) in shown


# Writes: every action on a job, on its page and through the API, and the project's auto-stop policy.
#
# The fault plays on the write itself (the simulator's write route); what a fault does to the credential
# (a closed port, a wrong key, a skewed clock, IAM) applies to every call. A write is never sent twice, except
# again after a 401 (the gateway refused it before ModelArts did anything) and on a connection error before
# anything was sent (a closed port: nothing reaches the simulator). Retries are on in these cases, so a write
# retried after a timeout, a 5xx or a throttling would show in the simulator's count.

WRITE_RETRIES = 2
RESTARTABLE_JOB_ID = seed.DEMO_STATUS_JOB_IDS[10]  # completed: ModelArts restarts it
NEW_JOB = {"job_name": "fault-matrix-job", "train_url": "obs://bucket/logs/"}


# What a page says of a write that failed: when ModelArts may have done it even so, and when it cannot have.
PAGE_OUTCOMES = {"project-stop": ("the stop was not confirmed", "was not stopped")}
FORM_ERROR = html_part(r'<ul class="errorlist nonfield".*?</ul>')


@dataclass(frozen=True)
class Write:
    name: str
    url: str  # the URL name
    route: str  # the simulator's route for the write
    method: str = "post"
    body: dict | None = None  # a form's fields, or the API's JSON body
    api: bool = False
    restart: bool = False  # acts on a job that ModelArts restarts (a completed one), not the running one
    redirect: str | None = None  # a page: where it sends the browser, failed or not (None: the form again)
    accepted: str | None = None  # a page: where it sends the browser once ModelArts accepted the write
    accepted_status: int = 302
    policy: bool = False  # not a request: the worker's auto-stop run

    @property
    def operation(self) -> str:
        return "create" if self.route == "create" else "edit" if self.route == "update" else self.route


WRITES = [
    Write("job-stop", "job-stop", "stop", redirect="job-detail", accepted="job-detail"),
    Write("job-restart", "job-restart", "restart", restart=True, redirect="job-detail", accepted="job-detail"),
    Write(
        "job-edit", "job-edit", "update", body={"job_desc": "new words"}, redirect="job-detail", accepted="job-detail"
    ),
    Write("job-delete", "job-delete", "delete", redirect="job-detail", accepted="project-jobs"),
    Write("job-new", "job-new", "create", body={**NEW_JOB, "job_type": "tensorboard"}, accepted="job-detail"),
    Write("project-stop", "project-stop", "stop", redirect="project-jobs", accepted="project-jobs"),
    Write("api-stop", "api-job-stop", "stop", api=True, accepted_status=202),
    Write("api-restart", "api-job-restart", "restart", api=True, restart=True, accepted_status=202),
    Write("api-edit", "api-job-detail", "update", "patch", {"job_desc": "new words"}, api=True, accepted_status=200),
    Write("api-delete", "api-job-detail", "delete", "delete", api=True, accepted_status=202),
    Write("api-create", "api-job-list", "create", body=NEW_JOB, api=True, accepted_status=202),
    # The auto-stop page saves a policy without asking ModelArts: its writes are the worker's runs of the policy.
    Write("auto-stop", "auto-stop", "stop", policy=True),
]
assert JOB_WRITES == {write.name for write in WRITES if write.route != "create" and not write.policy}


def write_matrix(failures_only: bool = False) -> list:
    cases = []
    for fault in FAULTS:
        for write in WRITES:
            if failures_only and not fault.fails(write.route):
                continue
            if fault.only_on is not None and write.name not in fault.only_on:
                continue
            cases.append(pytest.param(fault, write, id=f"{fault.name}@{write.name}"))
    return cases


@dataclass(frozen=True)
class Sent:
    response: HttpResponse | None  # None: the policy's run, which answers nobody
    credential: Credential
    secret: str
    job_id: int  # the job acted on (0: a creation)
    before: Snapshot
    after: Snapshot  # just after the write, before any page is visited
    browser: Client  # alice's browser, which a page's message waits in
    writes: int  # how often the write reached ModelArts
    run: policies.Run | None = None

    @property
    def html(self) -> str:
        assert self.response is not None
        return self.response.content.decode()


def on_write_route(simulator: Simulator, monkeypatch, write_route: str) -> None:
    """Faults added without a route of their own play on the write's route only."""
    add_fault = simulator.add_fault

    def on_route(kind: str, job_id: int | None = None, route: str = write_route, **params) -> None:
        add_fault(kind, job_id, route, **params)

    monkeypatch.setattr(simulator, "add_fault", on_route)


@pytest.fixture
def send(alice, operator, simulator, unused_port, settings, monkeypatch) -> Callable[[Fault, Write], Sent]:
    """Set the case up and send the write as alice (a page with her session, the API with her read-write
    token), or run the auto-stop policy; a crash is answered with a 500, not raised."""
    settings.MODELARTS_RETRIES = WRITE_RETRIES
    settings.DETAIL_CACHE_SECONDS = settings.DETAIL_CACHE_TERMINAL_SECONDS = 0
    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    script = Client(
        raise_request_exception=False,
        HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(alice, 'script', ApiToken.Scope.READ_WRITE)[1]}",
    )

    def writes(write: Write) -> int:
        return simulator.calls[write.route]

    def run(fault: Fault, write: Write) -> Sent:
        fields = credential_fields(fault.credential, simulator, unused_port)
        credential = make_credential(alice, project_id=DEMO.project_id, region=DEMO.region, **fields)
        job_id = 0 if write.route == "create" else fault.job_id if fault.job_id != JOB_ID else _job_of(write)
        if job_id:
            status = 10 if write.restart else 8
            store_list(credential, [make_job(job_id, job_name=CACHED_NAME, status=status)], fetched_at=timezone.now())
        if write.policy:
            AutoStopPolicy.objects.create(credential=credential, hours=1)
            CachedJob.objects.filter(credential=credential).update(running_since=timezone.now() - timedelta(hours=30))
            simulator.set_job(DEMO.project_id, job_id, duration=30 * 3_600_000)
        on_write_route(simulator, monkeypatch, write.route)
        fault.inject(simulator, credential)
        case = Sent(None, credential, fields["secret"], job_id, snapshot(credential), snapshot(credential), browser, 0)
        if write.policy:
            result = policies.enforce()
            return replace(case, after=snapshot(credential), writes=writes(write), run=result)
        path = address(write.url, credential, job_id)
        if write.api:
            body = json.dumps(write.body) if write.body is not None else None
            response = getattr(script, write.method)(path, body, content_type="application/json")
        else:
            data = {**(write.body or {}), "job": str(job_id)} if write.name == "project-stop" else write.body or {}
            if write.route == "create":
                data["token"] = str(uuid4())
            response = browser.post(path, data)
        return replace(case, response=response, after=snapshot(credential), writes=writes(write))

    return run


def _job_of(write: Write) -> int:
    return RESTARTABLE_JOB_ID if write.restart else JOB_ID


def write_event(sent: Sent, write: Write) -> AuditEvent:
    """The audit of the write: there is exactly one."""
    operation = actions.OPERATIONS[write.operation]
    events = AuditEvent.objects.filter(action=operation.audit_action, project_id=sent.credential.project_id)
    assert events.count() == 1, f"{events.count()} audit events of the {write.operation}"
    return events.get()


def assert_write_failed(sent: Sent, fault: Fault, write: Write) -> str:
    """The write failed, said so with the right status, audited, and changed nothing; what the person sees."""
    explanation_status = failures.FAILURES[fault.error].status
    words = fault.words(write.route)
    if write.policy:
        assert sent.run is not None and sent.run.failed == [sent.job_id] and sent.run.stopped == []
        failure = AutoStopFailure.objects.get(job_id=sent.job_id)
        assert words in failure.last_error
        shown = f"{failures.explain_stored(failure.last_error_kind, failure.last_error_code, failure.last_error)}"
    elif write.api:
        assert sent.response.status_code == explanation_status
        assert sent.response["Content-Type"] == "application/json"
        shown = json_failure(sent.html) or ""
    elif write.redirect is None:  # the form again, with ModelArts' failure above it
        assert sent.response.status_code == explanation_status
        shown = FORM_ERROR(sent.html) or ""
        assert "fault-matrix-job" in sent.html  # the form keeps what was typed
    else:  # back to a page, which says what became of it
        target = address(write.redirect, sent.credential, sent.job_id)
        assert (sent.response.status_code, sent.response["Location"]) == (302, target)
        shown = ERROR_MESSAGE(sent.browser.get(target).content.decode()) or ""
        # Whether it was done: "not done" only when ModelArts cannot have done it.
        unknown, failed = PAGE_OUTCOMES.get(write.name, ("Not confirmed:", "Not done:"))
        assert (unknown if fault.may_have_acted else failed) in shown
    assert words in shown, f"{words!r} not in {shown!r}"
    if fault.code:
        assert fault.code in shown
    assert failures.FAILURES[fault.error].title in shown
    if write.policy:  # its check brought the row up to date; the stop changed nothing
        assert CachedJob.objects.get(job_id=sent.job_id).status == 8
    else:
        assert sent.after == sent.before  # no row changed, none added or removed
    if write.route == "create" and not write.api:
        # Kept while the job may exist, so that the same form never makes a second one; else it may be sent again.
        assert JobCreation.objects.filter(job_id=None).exists() == fault.may_have_acted
        assert ("did not confirm the job" if fault.may_have_acted else "did not create the job") in shown
    elif write.route == "create":
        assert not JobCreation.objects.exists()  # a script decides itself whether to send it again
    if not write.policy or sent.writes:  # the policy's run stops at its check when that fails
        event = write_event(sent, write)
        assert not event.success
        assert words in event.detail
    return shown


def assert_write_accepted(sent: Sent, write: Write) -> None:
    if write.policy:
        assert sent.run is not None and sent.run.stopped == [sent.job_id]
    elif write.api:
        assert sent.response.status_code == write.accepted_status
    else:
        assert sent.response.status_code == 302
        job_id = sent.job_id or JobCreation.objects.get().job_id
        assert sent.response["Location"] == address(write.accepted, sent.credential, job_id)
    assert write_event(sent, write).success


@pytest.mark.parametrize(("fault", "write"), write_matrix())
def test_write_under_fault(send, simulator, fault, write):
    sent = send(fault, write)

    if sent.response is not None:
        assert sent.response.status_code != 500
        assert "Traceback" not in sent.html
    if write.policy:  # the policy checks the job first: a fault on every call stops it there, a 401 renews there
        assert sent.writes <= fault.writes_sent
    else:
        assert sent.writes == fault.writes_sent  # never retried, a 401 aside
    if not fault.fails(write.route):
        assert_write_accepted(sent, write)
    else:
        assert_write_failed(sent, fault, write)
    assert_credential_intact(Visit(sent.response, sent.credential, sent.secret, sent.before))
    if fault.token_calls is not None:  # a token is no write: IAM is asked again as a read would be
        assert fault.token_calls <= simulator.calls["token"] <= fault.token_calls + WRITE_RETRIES


@pytest.mark.parametrize(("fault", "write"), write_matrix(failures_only=True))
def test_write_failure_is_explained(send, fault, write):
    shown = assert_write_failed(send(fault, write), fault, write)

    assert (fault.advice or failures.FAILURES[fault.error].advice) in shown
