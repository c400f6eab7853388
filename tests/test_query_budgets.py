"""Every page has a query budget that does not grow with the data: the same count of queries with a
little data and with a lot, and a long list's first page read from an index rather than sorted whole."""

import pytest
import responses
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from accounts.models import ApiToken
from jobs import heartbeat, listing, refresh
from jobs.listing import ListQueryForm
from simulator.seed import DEMO
from tests.conftest import PROJECT_A, make_credential, make_job, store_list
from tests.urlconf import admin_pages, assert_every_page_decided, sample_arguments, url

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
JOB_ID = 7  # the job whose detail page and API answer are counted
# The most queries each page may make, by URL name and query string.
BUDGETS = {
    "home": {"": 10},
    "project-jobs": {"": 10, "?q=job&group=succeeded&sort=name&per_page=200": 10},
    "job-detail": {"": 7},
    "job-stop": {"": 6},  # a confirmation page; stop answers 409 for the finished job counted here
    "job-restart": {"": 6},
    "job-edit": {"": 6},
    "job-delete": {"": 6},
    "auto-stop": {"": 8},
    "job-new": {"": 6},
    "project-stop": {f"?job={JOB_ID}": 6, "?long_running=1": 6},
    "api-job-list": {"": 10},
    "api-job-detail": {"": 7},
    "api-schema": {"": 4},
    "api-docs": {"": 4},
    "credential-list": {"": 6},
    "credential-add": {"": 6},
    "credential-edit": {"": 6},
    "credential-delete": {"": 6},
    "api-tokens": {"": 6},
    "lookup": {f"?project_id={PROJECT_A}&job_id=x": 6},
    "password_change": {"": 4},
    "password_change_done": {"": 4},
}
POST_ONLY = "an action: a GET gets a 405 before any query of its own"
SIGNED_OUT = "for a visitor who is not signed in; the budgets are for a signed-in user's pages"
EXCLUDED = {
    "refresh-all": POST_ONLY,
    "project-refresh": POST_ONLY,
    "credential-test": POST_ONLY,
    "api-token-revoke": "a token's own page: its budget is in tests/test_token_revoke_confirmation.py",
    "api-job-stop": POST_ONLY,
    "api-job-restart": POST_ONLY,
    "logout": POST_ONLY,
    "set_language": POST_ONLY,
    "login": SIGNED_OUT,
    "password_reset": SIGNED_OUT,
    "password_reset_done": SIGNED_OUT,
    "password_reset_confirm": SIGNED_OUT,
    "password_reset_complete": SIGNED_OUT,
    **admin_pages("Django's admin, for staff: its queries are Django's, and grow with what it lists"),
}


def test_every_page_has_a_budget_or_a_reason_not_to(with_mail):
    assert_every_page_decided(BUDGETS, EXCLUDED)


def queries_per_page(client, alice, credential) -> dict[str, int]:
    arguments = sample_arguments(credential, alice, job_id=JOB_ID)
    counts = {}
    for name, queries in BUDGETS.items():
        for query in queries:
            path = url(name, arguments) + query
            client.get(path)  # the session's first touch of the minute is not the page's
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code in (200, 400, 409), (path, response.status_code)
            counts[path] = len(captured)
    return counts


@pytest.fixture
def as_served(monkeypatch, alice):
    """Pages as served beside a background worker: every signed-in page asks whether one runs (jobs.heartbeat),
    which the tests' immediate mode skips. A consumer was seen a moment ago and a page has read its heartbeat,
    so the pages measured need no query for it (tests/test_worker_heartbeat.py counts that look). The lists
    the test stores are fresh, so nothing is queued."""
    monkeypatch.setattr(HUEY, "immediate", False)
    heartbeat.record()
    assert heartbeat.worker_missing_for(alice) is False


@responses.activate
def test_query_counts_stay_within_budget_and_do_not_grow(alice_client, alice, alice_credential, operator, as_served):
    responses.get(f"{UPSTREAM}/{JOB_ID}", json={"job_id": JOB_ID, "job_name": "seven", "status": 10})
    store_list(alice_credential, [make_job(number) for number in range(1, 4)])
    ApiToken.issue(alice, "one")
    small = queries_per_page(alice_client, alice, alice_credential)

    for index in range(10):
        store_list(
            make_credential(alice, project_id=f"{index + 1:032x}"), [make_job(1000 * index + n) for n in range(50)]
        )
    store_list(alice_credential, [make_job(number) for number in range(1, 600)])
    for number in range(10):
        ApiToken.issue(alice, f"token {number}")
    large = queries_per_page(alice_client, alice, alice_credential)

    assert large == small
    arguments = sample_arguments(alice_credential, alice, job_id=JOB_ID)
    for name, queries in BUDGETS.items():
        for query, budget in queries.items():
            path = url(name, arguments) + query
            assert large[path] <= budget, (path, large[path])


@pytest.fixture
def long_list(simulated_credential, simulator):
    """A credential whose list of 3,000 jobs was just stored by a refresh."""
    simulator.set_job_count(DEMO.project_id, 3000)
    refresh.refresh_job_list(simulated_credential)
    return simulated_credential


def first_page_plan(credential, **params) -> str:
    query = ListQueryForm(params)
    assert query.is_valid(), query.errors
    return listing.filter_jobs(credential.cached_jobs.all(), query.query(), timezone.now())[:25].explain()


@pytest.mark.parametrize("group", ["", "running"])
def test_the_first_page_of_a_long_list_is_read_in_order_from_an_index(long_list, group):
    """Newest first (overall and within a status group) without sorting the whole list: a refresh that
    grew the list also brings PostgreSQL's statistics up to date, so its planner sees the list's size."""
    plan = first_page_plan(long_list, **({"group": group} if group else {}))

    index = "cachedjob_group_newest" if group else "cachedjob_newest"
    if connection.vendor == "postgresql":
        assert f"Index Scan using {index}" in plan and "Sort" not in plan, plan
    else:
        assert f"USING INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan


def test_oldest_first_reads_the_creation_time_index(long_list):
    plan = first_page_plan(long_list, sort="created")

    if connection.vendor == "postgresql":  # in creation-time order from the index; only ties get sorted
        assert "Index Scan using cachedjob_created" in plan and "Presorted Key: create_time" in plan, plan
    else:
        assert "USING INDEX" in plan and "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
