"""Who may write through the JSON API (jobs.api_auth.WRITE_AUTH, for the write operations to come): a token of
scope read-write, or a browser session with the page's CSRF token. A read-only token is refused with 403, and
reads take any token, and a session without CSRF."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from accounts.models import ApiToken
from jobs.api_auth import AUTH, WRITE_AUTH, ApiRefusal
from tests.conftest import PROJECT_A, make_job, store_list

pytestmark = pytest.mark.django_db

LIST_URL = f"/api/projects/{PROJECT_A}/visualization-jobs"


def authenticate(auth, request):
    """What ninja does with an operation's auth list: the first method that says who it is wins."""
    for method in auth:
        if result := method(request):
            return result
    return None


def post(user=None, **headers):
    request = RequestFactory().post("/api/write", headers=headers)
    request.user = user or AnonymousUser()
    return request


def refusal(auth, request) -> ApiRefusal:
    with pytest.raises(ApiRefusal) as refused:
        authenticate(auth, request)
    return refused.value


@pytest.mark.parametrize("scope", [ApiToken.Scope.READ, ApiToken.Scope.READ_WRITE])
def test_reads_take_a_token_of_either_scope(alice, scope):
    token, plaintext = ApiToken.issue(alice, "script", scope)
    request = post(Authorization=f"Bearer {plaintext}")

    assert authenticate(AUTH, request) == token
    assert request.user == alice


def test_a_write_refuses_a_read_only_token_with_403(alice):
    plaintext = ApiToken.issue(alice, "reader")[1]

    refused = refusal(WRITE_AUTH, post(Authorization=f"Bearer {plaintext}"))

    assert (refused.status, refused.code) == (403, "read_only_token")
    assert "Read and write" in refused.message


def test_a_write_takes_a_read_write_token_without_csrf(alice):
    token, plaintext = ApiToken.issue(alice, "deployer", ApiToken.Scope.READ_WRITE)
    request = post(Authorization=f"Bearer {plaintext}")

    assert authenticate(WRITE_AUTH, request) == token
    assert request.user == alice


def test_a_bad_token_is_401_even_for_a_write_beside_a_session(alice):
    refused = refusal(WRITE_AUTH, post(alice, Authorization="Bearer " + "A" * 43))

    assert (refused.status, refused.code) == (401, "unauthenticated")
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'


def test_a_session_write_needs_the_csrf_token(alice):
    refused = refusal(WRITE_AUTH, post(alice))

    assert (refused.status, refused.code) == (403, "csrf_failed")


def test_a_session_write_with_the_csrf_token_is_taken(alice):
    request = post(alice)
    token = get_token(RequestFactory().get("/"))
    request.COOKIES[settings.CSRF_COOKIE_NAME] = token
    request.META["HTTP_X_CSRFTOKEN"] = token

    assert authenticate(WRITE_AUTH, request) == alice


def test_nobody_is_told_to_authenticate_not_about_csrf():
    assert authenticate(WRITE_AUTH, post()) is None  # ninja answers 401 unauthenticated


def test_reads_with_a_session_need_no_csrf_token(alice, alice_credential):
    store_list(alice_credential, [make_job(1)])
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.get(LIST_URL).status_code == 200
