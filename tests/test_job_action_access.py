"""Who may act on jobs: the four actions (stop, restart, edit, delete) alike, their confirmation pages (GET)
and the actions themselves (POST). Only users with jobs.operate_visualization_jobs, only where
JOB_ACTIONS_ENABLED is on, only with a CSRF token, and only for a project of their own; anyone else asks
ModelArts nothing."""

import pytest
import responses
from django.test import Client

from audit.models import AuditEvent
from tests.conftest import PROJECT_B, allow_operating, make_credential
from tests.job_actions import OPERATIONS, action_url, detail_url, mock_detail, writes

pytestmark = [pytest.mark.django_db, pytest.mark.parametrize("operation", OPERATIONS)]

CONTROLS = ("<dialog", "/stop/", "/restart/", "/edit/", "/delete/")


def form_for(operation: str) -> dict:
    return {"job_desc": "new words"} if operation == "edit" else {}


@responses.activate
def test_another_users_project_is_not_found(operation, bob, bob_client, alice_credential):
    allow_operating(bob)
    make_credential(bob, project_id=PROJECT_B)

    assert bob_client.get(action_url(operation)).status_code == 404
    assert bob_client.post(action_url(operation), form_for(operation)).status_code == 404
    assert len(responses.calls) == 0
    assert not AuditEvent.objects.filter(action__startswith="job_").exists()


@responses.activate
def test_without_the_permission_a_403_and_no_controls(operation, alice_client, alice_credential):
    mock_detail(8)

    assert alice_client.get(action_url(operation)).status_code == 403
    response = alice_client.post(action_url(operation), form_for(operation))

    assert response.status_code == 403
    assert "Can operate visualization jobs" in response.content.decode()  # what to ask an administrator for
    assert writes() == []
    html = alice_client.get(detail_url()).content.decode()
    assert not any(control in html for control in CONTROLS)


@responses.activate
def test_actions_turned_off_for_the_deployment(operation, alice, alice_client, alice_credential, operator, settings):
    settings.JOB_ACTIONS_ENABLED = False
    alice.is_superuser = True  # has every permission: the setting still wins
    alice.save()
    mock_detail(8)

    assert alice_client.get(action_url(operation)).status_code == 403
    response = alice_client.post(action_url(operation), form_for(operation))

    assert response.status_code == 403
    assert "read-only" in response.content.decode()
    assert writes() == []
    html = alice_client.get(detail_url()).content.decode()
    assert not any(control in html for control in CONTROLS)


@responses.activate
def test_a_post_without_the_csrf_token_is_refused(operation, alice, alice_credential, operator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(action_url(operation), form_for(operation)).status_code == 403
    assert len(responses.calls) == 0


@responses.activate
def test_signed_out_visitors_are_sent_to_log_in(operation, alice_credential):
    response = Client().post(action_url(operation), form_for(operation))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert len(responses.calls) == 0


def test_other_methods_are_not_allowed(operation, alice_client, alice_credential, operator):
    assert alice_client.put(action_url(operation)).status_code == 405
