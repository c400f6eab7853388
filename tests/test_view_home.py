"""The home page: the user's projects and the lookup form."""

import re
from html import unescape

import pytest
from django.utils import timezone

from jobs.models import JobListRefresh
from tests.conftest import PROJECT_A, PROJECT_B, make_credential, make_job, store_list

pytestmark = pytest.mark.django_db


def test_lists_own_projects_with_links_and_lookup_form(alice_client, alice_credential, bob):
    make_credential(bob, name="Bob only", project_id=PROJECT_B)

    html = alice_client.get("/").content.decode()

    assert f'href="/projects/{PROJECT_A}/visualization-jobs/"' in html
    assert PROJECT_B not in html
    assert 'action="/lookup/"' in html
    assert 'name="job_id"' in html


def test_without_credentials_offers_to_add_one(alice_client):
    html = alice_client.get("/").content.decode()

    assert 'href="/credentials/add/"' in html
    assert 'name="job_id"' not in html


def test_query_count_does_not_grow_with_projects_or_jobs(alice_client, alice, django_assert_max_num_queries):
    for index in range(20):
        credential = make_credential(alice, project_id=f"{index:032x}")
        store_list(credential, [make_job(index * 100 + number) for number in range(30)])

    # 12: the permission to act ("New job" beside each project) is two queries, its user's and its groups'.
    with django_assert_max_num_queries(12):
        response = alice_client.get("/")

    assert response.status_code == 200
    assert "600 jobs" in response.content.decode()


def test_login_required(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_overview_counts_per_group_and_combined_list(alice_client, alice, alice_credential, bob):
    second = make_credential(alice, name="Second project", project_id=PROJECT_B)
    store_list(alice_credential, [make_job(1, status=8, job_name="a-run"), make_job(2, status=10, job_name="a-done")])
    store_list(second, [make_job(3, status=8, job_name="b-run"), make_job(4, status=11, job_name="b-failed")])
    store_list(make_credential(bob, name="Bob's", project_id=PROJECT_A), [make_job(5, job_name="bob-job")])

    html = alice_client.get("/", {"group": "running", "sort": "name"}).content.decode()

    assert "bob-job" not in html
    assert re.findall(r'visualization-jobs/\d+/">([^<]+)</a></td>\s*<td[^>]*>([^<]+)</td>', html) == [
        ("a-run", "alice&#x27;s project"),
        ("b-run", "Second project"),
    ]
    rows = re.findall(r"<tr>\s*<td><a href=\"/projects/([0-9a-f]{32})/visualization-jobs/\">.*?</tr>", html, re.S)
    assert rows == [PROJECT_A, PROJECT_B]
    table = html[html.index('<table class="projects">') : html.index("</table>")]
    assert re.search(r"<td[^>]*>1</td>", table)  # one running job in each project


def test_refresh_all_refreshes_every_project(alice_client, simulated_credential, simulator):
    response = alice_client.post("/refresh/", {"next": "/?q=tb"}, follow=True)

    assert response.redirect_chain == [("/?q=tb", 302)]
    assert "“alice&#x27;s project”: refresh queued." in response.content.decode()
    assert simulated_credential.cached_jobs.count() == 60  # the queued task ran (immediate mode in tests)
    assert simulator.calls["list"] == 1


def test_overview_bad_filter_is_a_400(alice_client, alice_credential):
    store_list(alice_credential, [make_job(1)])

    assert alice_client.get("/", {"status": "abc"}).status_code == 400


def all_jobs(response) -> str:
    """The combined list's live region ("All jobs"), as text."""
    page = unescape(response.content.decode())
    return page[page.index('id="live-jobs"') : page.index("</section>", page.index('id="live-jobs"'))]


def test_all_jobs_says_a_first_fetch_is_on_its_way_not_that_it_is_empty(alice_client, alice, alice_credential):
    now = timezone.now()
    JobListRefresh.objects.create(
        credential=alice_credential, queued_at=now, started_at=now, pages_fetched=1, pages_expected=3
    )
    queued = make_credential(alice, name="Queued project", project_id=PROJECT_B)
    JobListRefresh.objects.create(credential=queued, queued_at=now)

    jobs = all_jobs(alice_client.get("/"))

    assert re.search(r"Fetching the jobs of “alice's project” for the first time\s+\(1 of 3 pages fetched\)", jobs)
    assert re.search(
        r"Fetching the jobs of “Queued project” for the first time\s+\(waiting for the background worker\)", jobs
    )
    assert "has visualization jobs yet" not in jobs and "empty-list" not in jobs


def test_all_jobs_shows_the_fetched_rows_beside_a_first_fetch(alice_client, alice, alice_credential):
    store_list(alice_credential, [make_job(1, job_name="a-run")])
    queued = make_credential(alice, name="Queued project", project_id=PROJECT_B)
    JobListRefresh.objects.create(credential=queued, queued_at=timezone.now())

    jobs = all_jobs(alice_client.get("/"))

    assert "a-run" in jobs
    assert "Fetching the jobs of “Queued project” for the first time" in jobs
    assert "alice's project” for the first time" not in jobs


def test_all_jobs_is_empty_once_the_first_fetch_found_no_jobs(alice_client, alice_credential):
    store_list(alice_credential, [])

    jobs = all_jobs(alice_client.get("/"))

    assert "None of your projects has visualization jobs yet." in jobs
    assert "for the first time" not in jobs
