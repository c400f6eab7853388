"""A project's auto-stop policy page: /projects/<project_id>/auto-stop/. The owner of the project's credential,
with the permission to act on jobs, sets "stop jobs running longer than N hours" (1-168) or turns it off; a
POST previews the running jobs the policy would stop now from the cached list, and the preview's POST saves,
audited. The page also shows the jobs the policy fails to stop, and its latest stops."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from jobs.models import AutoStopFailure, AutoStopPolicy
from tests.auto_stop import running, set_policy, store_jobs
from tests.conftest import PROJECT_A, allow_operating, make_credential, make_job

pytestmark = pytest.mark.django_db

PAGE = f"/projects/{PROJECT_A}/auto-stop/"


def test_the_owner_sees_the_form_and_that_there_is_no_policy(alice_client, alice_credential, operator):
    response = alice_client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Now: no policy; no job is stopped automatically." in html
    assert 'name="hours"' in html and "From 1 to 168 (a week)." in html


def test_the_page_shows_the_policy_in_force(alice_client, alice_credential, operator):
    set_policy(alice_credential, 36)

    html = alice_client.get(PAGE).content.decode()

    assert "Now: visualization jobs running longer than 36 h are stopped." in html
    assert 'value="36"' in html


def test_another_users_project_is_not_found(bob_client, bob, alice_credential):
    allow_operating(bob)

    assert bob_client.get(PAGE).status_code == 404
    assert bob_client.post(PAGE, {"hours": "1", "save": "1"}).status_code == 404
    assert not AutoStopPolicy.objects.exists()


def test_without_the_permission_the_page_is_forbidden(alice_client, alice_credential):
    assert alice_client.get(PAGE).status_code == 403
    assert alice_client.post(PAGE, {"hours": "1", "save": "1"}).status_code == 403
    assert not AutoStopPolicy.objects.exists()


def test_with_actions_off_the_page_is_forbidden(alice_client, alice_credential, operator, settings):
    settings.JOB_ACTIONS_ENABLED = False

    assert alice_client.get(PAGE).status_code == 403


def test_a_post_without_a_csrf_token_is_refused(alice, alice_credential, operator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(PAGE, {"hours": "1", "save": "1"}).status_code == 403
    assert not AutoStopPolicy.objects.exists()


@pytest.mark.parametrize("hours", ["0", "169", "-3", "2.5", "abc"])
def test_hours_outside_1_to_168_are_refused(alice_client, alice_credential, operator, hours):
    response = alice_client.post(PAGE, {"hours": hours, "save": "1"})

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not AutoStopPolicy.objects.exists()


@pytest.mark.parametrize("hours", [1, 168])
def test_the_bounds_are_accepted(alice_client, alice_credential, operator, hours):
    assert alice_client.post(PAGE, {"hours": str(hours)}).status_code == 200
    alice_client.post(PAGE, {"hours": str(hours), "save": "1"})

    assert AutoStopPolicy.objects.get(credential=alice_credential).hours == hours


def test_the_preview_lists_exactly_the_running_jobs_over_the_limit_and_saves_nothing(
    alice_client, alice_credential, operator
):
    store_jobs(
        alice_credential,
        running(1, 30, job_name="forgotten"),
        running(2, 23, job_name="recent"),
        make_job(3, job_name="finished", status=10, duration_ms=90 * 3_600_000),
        running(4, 25, job_name="scaling", status=15),
        fetched_ago=timedelta(minutes=3),
    )

    response = alice_client.post(PAGE, {"hours": "24"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "A policy of 24 h would stop 2 running jobs now" in html
    assert "forgotten" in html and "scaling" in html
    assert "recent" not in html and "finished" not in html
    assert "(3\xa0minutes ago)" in html  # the list's age
    assert '<input type="hidden" name="hours" value="24">' in html and 'name="save"' in html
    assert not AutoStopPolicy.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="auto_stop").exists()


def test_the_preview_says_when_the_list_was_never_fetched(alice_client, alice_credential, operator):
    html = alice_client.post(PAGE, {"hours": "24"}).content.decode()

    assert "A policy of 24 h would stop 0 running jobs now" in html
    assert "has not been fetched yet" in html


def test_saving_sets_the_policy_audited(alice_client, alice, alice_credential, operator):
    response = alice_client.post(PAGE, {"hours": "24", "save": "1"}, follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert "Saved: visualization jobs running longer than 24 h are stopped." in response.content.decode()
    assert AutoStopPolicy.objects.get(credential=alice_credential).hours == 24
    event = AuditEvent.objects.get(action=AuditEvent.Action.AUTO_STOP_SET)
    assert (event.actor, event.project_id, event.detail) == (alice, PROJECT_A, "24 h")


def test_changing_the_hours_is_audited_with_both(alice_client, alice_credential, operator):
    set_policy(alice_credential, 24)

    alice_client.post(PAGE, {"hours": "48", "save": "1"})

    assert AutoStopPolicy.objects.get().hours == 48
    assert AuditEvent.objects.get(action=AuditEvent.Action.AUTO_STOP_CHANGED).detail == "24 h -> 48 h"


def test_an_empty_value_turns_the_policy_off_audited(alice_client, alice_credential, operator):
    set_policy(alice_credential, 24)

    preview = alice_client.post(PAGE, {"hours": ""}).content.decode()
    response = alice_client.post(PAGE, {"hours": "", "save": "1"}, follow=True)

    assert "Turn the policy off" in preview
    assert "The auto-stop policy is off" in response.content.decode()
    assert not AutoStopPolicy.objects.exists()
    assert AuditEvent.objects.get(action=AuditEvent.Action.AUTO_STOP_REMOVED).detail == "was 24 h"


def test_turning_off_a_policy_that_is_not_there_changes_nothing(alice_client, alice_credential, operator):
    response = alice_client.post(PAGE, {"hours": "", "save": "1"}, follow=True)

    assert "This project has no auto-stop policy." in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="auto_stop").exists()


def test_the_page_shows_the_jobs_the_policy_fails_to_stop(alice_client, alice_credential, operator):
    policy = set_policy(alice_credential, 24)
    now = timezone.now()
    AutoStopFailure.objects.create(
        policy=policy,
        job_id=7,
        job_name="stubborn",
        consecutive_failures=3,
        failing_since=now - timedelta(hours=1),
        last_error="ModelArts.0105: busy job",
        last_error_kind="InvalidRequest",
        last_error_code="ModelArts.0105",
        last_error_at=now,
    )

    html = alice_client.get(PAGE).content.decode()

    assert "Jobs the policy failed to stop" in html
    assert "stubborn" in html and "ModelArts.0105: busy job" in html
    assert re.search(r"<td[^>]*>3</td>", html)


def test_the_page_lists_the_policys_latest_stops(alice_client, alice, alice_credential, operator):
    set_policy(alice_credential, 24)
    AuditEvent.objects.create(
        actor=alice, action=AuditEvent.Action.JOB_STOP, project_id=PROJECT_A, job_id=7, origin="policy", job_hours=26
    )
    other = make_credential(alice, project_id="f" * 32)
    AuditEvent.objects.create(
        actor=alice, action=AuditEvent.Action.JOB_STOP, project_id=other.project_id, job_id=8, origin="policy"
    )

    html = alice_client.get(PAGE).content.decode()

    assert "Job 7" in html and "stopped by the project's policy after 26 h" in html
    assert "Job 8" not in html


def test_the_preview_says_a_run_stops_only_so_many(alice_client, alice_credential, operator, settings):
    settings.AUTO_STOP_MAX_STOPS_PER_RUN = 2
    store_jobs(alice_credential, *(running(job_id, 30) for job_id in (1, 2, 3)))

    html = alice_client.post(PAGE, {"hours": "24"}).content.decode()

    assert "would stop 3 running jobs now" in html
    assert "At most 2 jobs are stopped every 5 minutes, the longest running first" in html
