"""What a list says when it lists nothing: a search or filter matching nothing names how many jobs there are
and offers to clear the filters; an empty project says so, with "New job" for those who may create one."""

import re
from html import unescape

import pytest
from django.utils import timezone

from jobs.models import JobListRefresh
from tests.conftest import PROJECT_A, PROJECT_B, allow_operating, make_credential, make_job, store_list
from tests.list_pages import HOME_URL, LIST_URL, names, store_five

pytestmark = pytest.mark.django_db

NEW_JOB = f"/projects/{PROJECT_A}/visualization-jobs/new/"


def empty_state(response) -> str:
    """The empty list's box, as text with its links' addresses."""
    html = response.content.decode()
    found = re.search(r'<div class="empty-list">(.*?)</div>', html, re.S)
    assert found, "no empty-list box"
    return unescape(re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", found.group(1))))


def test_a_search_matching_nothing_says_so_with_the_projects_count(alice_client, alice_credential):
    store_five(alice_credential)

    response = alice_client.get(LIST_URL, {"q": "no-such-job", "sort": "name", "per_page": "50"})

    box = empty_state(response)
    assert response.status_code == 200
    assert "No jobs match these filters." in box
    assert "The project has 5 jobs in all." in box
    # Clearing keeps the sort and the page size: only the filters go.
    assert '<a href="?sort=name&per_page=50">Clear filters</a>' in box
    assert '<table class="jobs">' not in response.content.decode()


def test_clear_filters_lists_every_job_again(alice_client, alice_credential):
    store_five(alice_credential)
    response = alice_client.get(LIST_URL, {"group": "stopped", "long_running": "on"})
    href = re.search(r'<a href="([^"]*)">Clear filters</a>', empty_state(response)).group(1)

    assert len(names(alice_client.get(LIST_URL + href))) == 5


def test_one_job_is_counted_in_the_singular(alice_client, alice_credential):
    store_list(alice_credential, [make_job(1, job_name="only", status=8)])

    assert "The project has 1 job in all." in empty_state(alice_client.get(LIST_URL, {"group": "failed"}))


def test_the_overview_counts_the_jobs_of_every_project(alice_client, alice, alice_credential):
    store_five(alice_credential)
    store_list(make_credential(alice, project_id=PROJECT_B), [make_job(7)])

    box = empty_state(alice_client.get(HOME_URL, {"q": "no-such-job"}))

    assert "No jobs match these filters." in box
    assert "Your projects have 6 jobs in all." in box
    assert '<a href="?">Clear filters</a>' in box


def test_an_empty_project_offers_new_job_to_who_may_act(alice_client, alice, alice_credential):
    allow_operating(alice)
    store_list(alice_credential, [])

    box = empty_state(alice_client.get(LIST_URL))

    assert "This project has no visualization jobs yet." in box
    assert f'<a class="button" href="{NEW_JOB}">New job</a>' in box
    assert alice_client.get(NEW_JOB).status_code == 200  # the link leads to the form


def test_an_empty_project_filtered_says_it_is_empty_not_that_nothing_matches(alice_client, alice_credential):
    store_list(alice_credential, [])

    box = empty_state(alice_client.get(LIST_URL, {"q": "anything"}))

    assert "This project has no visualization jobs yet." in box
    assert "No jobs match" not in box


def test_without_the_permission_no_new_job_is_offered(alice_client, alice_credential):
    store_list(alice_credential, [])

    box = empty_state(alice_client.get(LIST_URL))

    assert "This project has no visualization jobs yet." in box
    assert NEW_JOB not in box
    assert "appear here after the next refresh" in box


def test_a_read_only_dashboard_offers_no_new_job(alice_client, alice, alice_credential, settings):
    settings.JOB_ACTIONS_ENABLED = False
    allow_operating(alice)
    store_list(alice_credential, [])

    assert NEW_JOB not in empty_state(alice_client.get(LIST_URL))


def test_the_overview_without_any_job_offers_new_job_in_each_project(alice_client, alice, alice_credential):
    allow_operating(alice)
    store_list(alice_credential, [])
    store_list(make_credential(alice, project_id=PROJECT_B, name="Second"), [])

    box = empty_state(alice_client.get(HOME_URL))

    assert "None of your projects has visualization jobs yet." in box
    assert f'<a href="{NEW_JOB}">New job in alice\'s project</a>' in box
    assert f'<a href="/projects/{PROJECT_B}/visualization-jobs/new/">New job in Second</a>' in box


def never_fetched(credential) -> None:
    """The list's first refresh failed: there is no list, which is not a list without jobs."""
    now = timezone.now()
    JobListRefresh.objects.create(
        credential=credential,
        started_at=now,
        finished_at=now,
        last_error="APIGW.0301 verify aksk signature fail",
        last_error_kind="AuthenticationError",
        last_error_at=now,
        consecutive_failures=1,
        failing_since=now,
    )


def test_a_list_never_fetched_is_not_called_empty(alice_client, alice, alice_credential):
    allow_operating(alice)
    never_fetched(alice_credential)

    response = alice_client.get(LIST_URL)

    assert "There is no earlier list to show." in response.content.decode()
    box = empty_state(response)
    assert "Nothing to show yet: this project's list has not been fetched from ModelArts." in box
    assert "no visualization jobs yet" not in box and NEW_JOB not in box


def test_the_overview_with_a_list_never_fetched_does_not_call_every_project_empty(
    alice_client, alice_credential, alice
):
    never_fetched(alice_credential)
    store_list(make_credential(alice, project_id=PROJECT_B, name="Second"), [])

    box = empty_state(alice_client.get(HOME_URL))

    assert "Nothing to show yet: not every project's list has been fetched from ModelArts." in box
    assert "None of your projects has visualization jobs yet." not in box


def test_another_users_project_is_404_and_his_counts_are_his_own(bob_client, bob, alice_credential):
    store_five(alice_credential)
    store_list(make_credential(bob, project_id=PROJECT_B), [make_job(1, job_name="bobs")])

    assert bob_client.get(LIST_URL, {"q": "no-such-job"}).status_code == 404
    box = empty_state(bob_client.get(HOME_URL, {"q": "no-such-job"}))
    assert "Your projects have 1 job in all." in box


def test_the_empty_states_speak_chinese(alice_client, alice_credential):
    store_five(alice_credential)
    chinese = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

    box = empty_state(alice_client.get(LIST_URL, {"q": "no-such-job"}, **chinese))
    store_list(alice_credential, [])
    empty = empty_state(alice_client.get(LIST_URL, **chinese))

    assert "该项目共有 5 个作业。" in box
    assert "该项目还没有可视化作业。" in empty
