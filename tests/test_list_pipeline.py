"""The one pipeline behind every list (the overview, a project's page, the JSON list): the query string is
judged first, then stale lists are refreshed, then rows are filtered, sorted and paged."""

from __future__ import annotations

from datetime import timedelta

import pytest
import responses
from django.http import QueryDict
from django.utils import timezone

from jobs import listing
from jobs.listing import ApiListQueryForm, ListQueryForm
from jobs.models import CachedJob, JobListRefresh
from tests.conftest import PROJECT_A, list_answer, make_job, store_list

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
ANSWER = {
    "job_id": 7,
    "job_name": "fetched",
    "status": 10,
    "create_time": 1767225600000,
    "duration": 1000,
    "job_desc": "",
    "service_url": "",
    "train_url": "",
    "resource_id": "",
}


def run(credential, query: str, form_class=ListQueryForm) -> listing.JobList:
    return listing.list_jobs(credential.cached_jobs.all(), QueryDict(query), form_class, [credential])


@responses.activate
def test_a_stale_list_is_refreshed_before_it_is_read(alice_credential):
    responses.get(UPSTREAM, json=list_answer(ANSWER))

    listed = run(alice_credential, "")

    assert listed.page is not None and [job.job_name for job in listed.page] == ["fetched"]
    assert listed.states[alice_credential.pk].fetched_at is not None


@responses.activate
def test_an_unusable_query_is_judged_before_any_refresh(alice_credential):
    listed = run(alice_credential, "status=abc")

    assert listed.page is None and listed.query is None
    assert "status" in listed.form.errors
    assert len(responses.calls) == 0 and not JobListRefresh.objects.exists()


def test_the_page_corrects_a_sort_the_api_refuses(alice_credential):
    store_list(alice_credential, [make_job(1), make_job(2)])

    page = run(alice_credential, "sort=sideways&per_page=7", ListQueryForm)
    api = run(alice_credential, "sort=sideways&per_page=7", ApiListQueryForm)

    assert page.page is not None and page.query is not None and len(page.form.notices) == 1
    assert api.page is None and set(api.form.errors) == {"sort", "per_page"}


def test_the_stored_state_comes_with_an_unusable_query(alice_credential):
    state = store_list(alice_credential, [make_job(1)], fetched_at=timezone.now() - timedelta(days=30))

    listed = run(alice_credential, "group=sleeping")

    assert listed.page is None and listed.states == {alice_credential.pk: state}


@pytest.mark.parametrize("url", ["/", f"/projects/{PROJECT_A}/visualization-jobs/"])
@responses.activate
def test_pages_do_not_refresh_for_an_unusable_query(alice_client, alice_credential, url):
    """The pages once refreshed a stale list and then refused its query; the JSON list never did."""
    response = alice_client.get(url, {"status": "abc"})

    assert response.status_code == 400
    assert len(responses.calls) == 0 and not CachedJob.objects.exists() and not JobListRefresh.objects.exists()
