"""Django's own failures under /api/ are JSON like the API's answers; other paths keep the HTML pages."""

import pytest
from django.http import Http404
from django.test import Client

from jobs import details
from tests.conftest import PROJECT_A

pytestmark = pytest.mark.django_db

LIST_URL = f"/api/projects/{PROJECT_A}/visualization-jobs"
DETAIL_URL = f"{LIST_URL}/1"
PAGE_URL = f"/projects/{PROJECT_A}/visualization-jobs/"


def too_many_parameters(settings) -> dict:
    return {f"p{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}


def assert_json_error(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_too_many_parameters_is_a_json_400(alice_client, alice_credential, settings):
    response = alice_client.get(LIST_URL, too_many_parameters(settings))

    assert_json_error(response, 400, "too_many_parameters")
    assert "no-store" in response["Cache-Control"]


def test_too_many_parameters_on_a_page_is_the_html_400(alice_client, alice_credential, settings):
    response = alice_client.get(PAGE_URL, too_many_parameters(settings))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_request_django_refuses_to_read_is_a_json_400(alice_client):
    """An unknown Host header, for instance: nothing of it is echoed back."""
    response = alice_client.get(LIST_URL, headers={"Host": "evil.example"})

    assert_json_error(response, 400, "bad_request")
    assert "evil" not in response.content.decode()


@pytest.fixture
def broken_client(alice, alice_credential, monkeypatch) -> Client:
    """Alice's client, shown the server's own 500 answer, while looking a job up fails with a bug."""

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(details, "get_job", broken)
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def test_an_unexpected_failure_is_a_json_500_without_details(broken_client):
    response = broken_client.get(DETAIL_URL)

    assert_json_error(response, 500, "server_error")
    assert "no-store" in response["Cache-Control"]
    assert "internal detail" not in response.content.decode()


def test_an_unexpected_failure_on_a_page_is_the_html_500(broken_client):
    response = broken_client.get(f"{PAGE_URL}1/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/api/", "/api/nothing", "/api/schema/x", f"{LIST_URL}/0", f"{LIST_URL}/1/extra", f"{LIST_URL}//", "/api/v1/"],
)
def test_unknown_paths_under_api_are_a_json_404_without_redirects(alice_client, path):
    """Every path under /api/ resolves (the last pattern takes the rest), so Django never adds a slash."""
    response = alice_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_api_without_its_slash_is_redirected_to_the_json_404(alice_client):
    response = alice_client.get("/api", follow=True)

    assert response.redirect_chain == [("/api/", 301)]
    assert response.json()["error"]["code"] == "not_found"


def test_a_large_body_is_never_read_where_no_body_is_taken(alice_client, alice_credential):
    """Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE only when it is read; a URL that takes no body
    for the method reads none, so a large PUT gets the usual JSON 405 (a 413 can only come from the server in
    front)."""
    body = b"a=" + b"x" * 3_000_000

    response = alice_client.put(DETAIL_URL, body, content_type="application/x-www-form-urlencoded")

    assert_json_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, PATCH, DELETE"


def test_a_body_too_large_to_read_is_a_json_413(alice_client, alice_credential, settings):
    body = b'{"job_desc": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'

    response = alice_client.patch(DETAIL_URL, body, content_type="application/json")

    assert_json_error(response, 413, "body_too_large")


def test_a_body_that_is_not_json_is_a_json_400(alice_client, alice_credential):
    response = alice_client.patch(DETAIL_URL, b"{job_desc", content_type="application/json")

    assert_json_error(response, 400, "invalid_body")
    assert response.json()["error"]["message"] == "The request body is not valid JSON."


def test_a_single_method_url_says_it_in_the_singular(alice_client):
    response = alice_client.post("/api/schema")

    assert_json_error(response, 405, "method_not_allowed")
    assert response.json()["error"]["message"] == "Only GET is supported here."


def test_an_http404_raised_in_an_operation_is_the_json_404(alice_client, alice_credential, monkeypatch):
    def missing(*args):
        raise Http404("no such thing")

    monkeypatch.setattr(details, "get_job", missing)

    response = alice_client.get(DETAIL_URL)

    assert_json_error(response, 404, "not_found")
    assert "detail" not in response.json()


def test_a_body_that_is_not_an_object_is_a_json_400(alice_client, alice_credential):
    response = alice_client.patch(DETAIL_URL, ["job_desc"], content_type="application/json")

    assert_json_error(response, 400, "invalid_body")
    assert response.json()["error"]["message"].startswith("Invalid request body: ")
