"""A job that does not exist: the page's heading names the id above ModelArts' answer, offers the lookup form
to type the id again rather than "Try again", and stops asking (each ask would use up a lookup). An address
whose job id no job can have gets the site's own 404 page, with DEBUG on as well as off."""

import re

import pytest
from django.urls import resolve, reverse

from jobs import details, views
from jobs.converters import AnyJobIdConverter
from modelarts import errors
from tests.conftest import PROJECT_A, PROJECT_B, allow_operating, make_credential, make_job, store_list
from tests.urlconf import named_patterns

pytestmark = pytest.mark.django_db

MISSING = 404404


def detail_url(job_id=MISSING, project_id=PROJECT_A):
    return f"/projects/{project_id}/visualization-jobs/{job_id}/"


def test_the_heading_names_the_id_above_the_error(alice_client, alice_credential, service_jobs):
    response = alice_client.get(detail_url())

    html = response.content.decode()
    assert response.status_code == 404
    assert f"<title>Job {MISSING} · ModelArts dashboard</title>" in html
    heading = html.index(f"<h1>Job {MISSING}</h1>")
    assert heading < html.index('<section class="error-panel"') < html.index("No visualization job with this id")
    assert html.count("<h1>") == 1


def test_no_try_again_but_a_lookup_form_with_the_project_and_the_id(
    alice_client, alice, alice_credential, service_jobs
):
    make_credential(alice, project_id=PROJECT_B, name="second")

    html = alice_client.get(detail_url()).content.decode()

    assert "Try again" not in html
    form = html.split('<form method="get" action="/lookup/" class="lookup">', 1)[1].split("</form>", 1)[0]
    assert re.search(rf'<option value="{PROJECT_A}" selected>', form)
    assert f'<option value="{PROJECT_B}">' in form  # any of the user's projects can be chosen
    assert re.search(rf'<input type="text" name="job_id" value="{MISSING}"', form)
    assert '<h2 id="lookup-heading">Look up another job</h2>' in html
    # Outside the live region, so that polling could never wipe what is being typed.
    assert "lookup" not in html.split('<div id="live"', 1)[1].split("</div>\n  ", 1)[0]


def test_the_lookup_form_leads_to_the_retyped_job(alice_client, alice_credential, service_jobs):
    service_jobs.add(make_job(4044, job_name="the-right-one"))

    response = alice_client.get("/lookup/", {"project_id": PROJECT_A, "job_id": " 4044 "}, follow=True)

    assert response.redirect_chain == [(detail_url(4044), 302)]
    assert "the-right-one" in response.content.decode()


def test_a_missing_job_is_not_asked_for_again_and_again(alice_client, alice_credential, service_jobs):
    html = alice_client.get(detail_url()).content.decode()

    assert "data-live-interval" not in html
    assert len(service_jobs.asked) == 1


def test_a_job_modelarts_no_longer_knows_keeps_its_data_and_offers_no_try_again(
    alice_client, alice_credential, service_jobs
):
    store_list(alice_credential, [make_job(MISSING, job_name="deleted-since")])

    response = alice_client.get(detail_url())

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>deleted-since</h1>" in html and "ModelArts no longer knows this job" in html
    assert "Try again" not in html
    assert "Look up another job" not in html  # the id was right: the job is gone


def test_other_failures_still_offer_try_again(alice_client, alice_credential, monkeypatch):
    def failing(credential, job_id):
        raise errors.ServiceError("internal", code="ModelArts.0010", http_status=500)

    monkeypatch.setattr(details, "get_job", failing)

    html = alice_client.get(detail_url()).content.decode()

    assert f'<a href="{detail_url()}">Try again</a>' in html
    assert "Look up another job" not in html
    assert html.index(f"<h1>Job {MISSING}</h1>") < html.index('<section class="error-panel"')


def test_another_users_project_is_a_404_without_their_projects(bob_client, alice_credential, service_jobs):
    response = bob_client.get(detail_url())

    html = response.content.decode()
    assert response.status_code == 404
    assert service_jobs.asked == []
    assert "no credential" in html
    assert "Look up another job" not in html and "alice" not in html


MALFORMED = [
    "abc",
    "-1",
    "1.5",
    "0",
    "00",
    "+5",
    "1_000",
    "%20%201",
    "١٢٣",
    "99999999999999999999",
    "9223372036854775808",
]


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("job_id", MALFORMED)
def test_a_malformed_id_gets_the_sites_own_404_page(
    alice_client, alice_credential, service_jobs, settings, debug, job_id
):
    settings.DEBUG = debug

    response = alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/{job_id}/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>Not found · ModelArts dashboard</title>" in html
    assert "There is nothing here for you." in html
    assert "URLconf" not in html and "Django" not in html  # not the debug page listing every URL pattern
    assert service_jobs.asked == []


@pytest.mark.parametrize("debug", [True, False])
def test_a_malformed_id_is_a_404_for_another_user_too(bob_client, alice_credential, settings, debug):
    settings.DEBUG = debug

    response = bob_client.get(f"/projects/{PROJECT_A}/visualization-jobs/abc/")

    assert response.status_code == 404
    assert "There is nothing here for you." in response.content.decode()


def test_ids_with_leading_zeros_are_the_job(alice_client, alice_credential, service_jobs):
    service_jobs.add(make_job(7, job_name="seven"))

    response = alice_client.get(detail_url("007"))

    assert response.status_code == 200 and "<h1>seven</h1>" in response.content.decode()
    assert service_jobs.asked == [(alice_credential, 7)]


def job_pages() -> list[str]:
    """The URL names of the pages of one job (the JSON API answers its own JSON 404 for any other address)."""
    return sorted(
        name
        for name, pattern in named_patterns().items()
        if "job_id" in pattern.pattern.converters and not name.startswith("api-")
    )


def test_every_page_of_a_job_takes_any_id_and_answers_for_itself():
    assert "job-detail" in job_pages() and "job-stop" in job_pages()
    for name in job_pages():
        assert isinstance(named_patterns()[name].pattern.converters["job_id"], AnyJobIdConverter), name


@pytest.mark.parametrize("name", job_pages())
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_malformed_id_on_any_page_of_a_job_gets_the_sites_404_page(
    alice, alice_client, alice_credential, service_jobs, settings, name, method
):
    settings.DEBUG = True
    settings.JOB_ACTIONS_ENABLED = True
    allow_operating(alice)

    response = getattr(alice_client, method)(reverse(name, args=[PROJECT_A, "abc"]))

    if method == "post" and name == "job-detail":
        assert response.status_code == 405  # the page is only read
        return
    assert response.status_code == 404
    assert "There is nothing here for you." in response.content.decode()
    assert service_jobs.asked == []


def test_the_addresses_beside_a_jobs_keep_their_own_views(alice, alice_client, alice_credential, settings):
    settings.JOB_ACTIONS_ENABLED = True
    allow_operating(alice)
    base = f"/projects/{PROJECT_A}/visualization-jobs/"

    assert resolve(base + "new/").func is views.job_new
    assert resolve(base + "stop/").func is views.project_stop
    assert resolve(base + "refresh/").func is views.project_refresh
    assert alice_client.get(base + "new/").status_code == 200
    assert reverse("job-detail", args=[PROJECT_A, 12]) == base + "12/"
    assert resolve(base + "12/stop/").kwargs == {"project_id": PROJECT_A, "job_id": 12}
    assert resolve(base + "012/stop/").kwargs == {"project_id": PROJECT_A, "job_id": 12}


def test_a_malformed_id_is_a_404_before_the_permission_is_checked(alice_client, alice_credential, settings):
    settings.JOB_ACTIONS_ENABLED = True  # alice may not operate: a real id is a 403, one no job can have a 404

    assert alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/12/stop/").status_code == 403
    assert alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/abc/stop/").status_code == 404
