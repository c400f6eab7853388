"""Who may use the API's write operations (create, stop, restart, edit, delete), each judged before anything
is sent to ModelArts: a read-write token or a session with the page's CSRF token, of a user allowed to
operate jobs, on a dashboard where actions are on, for a project the user holds a credential for."""

import pytest
import responses
from django.test import Client

from accounts.models import ApiToken
from audit.models import AuditEvent
from tests.api_writes import WRITES, TokenClient, assert_error, call, session_client
from tests.conftest import PROJECT_A, allow_operating, make_credential

pytestmark = pytest.mark.django_db

OPERATIONS = list(WRITES)


@pytest.mark.parametrize("name", OPERATIONS)
@responses.activate  # any call to ModelArts would fail: none may be made
def test_a_read_only_token_is_refused_with_403(alice_credential, operator, name):
    response = call(TokenClient(operator, ApiToken.Scope.READ), WRITES[name])

    error = assert_error(response, 403, "read_only_token")
    assert "Read and write" in error["message"]
    assert not AuditEvent.objects.filter(action__startswith="job_").exists()


@pytest.mark.parametrize("name", OPERATIONS)
@responses.activate
def test_a_session_without_the_csrf_token_is_refused_with_403(alice_credential, operator, name):
    response = call(session_client(operator, csrf=False), WRITES[name])

    assert_error(response, 403, "csrf_failed")


@pytest.mark.parametrize("name", OPERATIONS)
@responses.activate
def test_another_users_project_is_a_404_as_for_reads(alice_credential, bob, name):
    """Bob may operate jobs, but holds no credential for alice's project: it might as well not exist."""
    allow_operating(bob)

    response = call(TokenClient(bob), WRITES[name])

    error = assert_error(response, 404, "not_found")
    assert PROJECT_A in error["message"]


@pytest.mark.parametrize("name", OPERATIONS)
@responses.activate
def test_without_the_permission_to_operate_jobs_it_is_a_403(alice, alice_credential, name):
    response = call(TokenClient(alice), WRITES[name])

    error = assert_error(response, 403, "not_permitted")
    assert "Can operate visualization jobs" in error["message"]


@pytest.mark.parametrize("name", OPERATIONS)
@responses.activate
def test_when_actions_are_off_it_is_a_403(alice_credential, operator, settings, name):
    settings.JOB_ACTIONS_ENABLED = False

    response = call(session_client(operator, csrf=True), WRITES[name])

    assert_error(response, 403, "actions_disabled")


@pytest.mark.parametrize("name", OPERATIONS)
def test_no_authentication_is_a_401(alice_credential, name):
    assert_error(call(Client(), WRITES[name]), 401, "unauthenticated")


def test_bobs_own_credential_does_not_open_alices_project(alice_credential, bob):
    """A credential for another project gives nothing here either."""
    allow_operating(bob)
    make_credential(bob, project_id="f" * 32)

    assert_error(call(TokenClient(bob), WRITES["stop"]), 404, "not_found")
