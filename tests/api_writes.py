"""What the tests of the API's write operations share: the callers (a read-write token, a read-only one, a
browser session with and without the page's CSRF token), the operations' URLs and a way to call them."""

from dataclasses import dataclass

from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from accounts.models import ApiToken
from tests.conftest import PROJECT_A
from tests.job_actions import JOB_ID

JOBS_URL = f"/api/projects/{PROJECT_A}/visualization-jobs"
JOB_URL = f"{JOBS_URL}/{JOB_ID}"
NEW_JOB = {"job_name": "resnet-tb", "train_url": "obs://bucket/resnet/logs/"}


@dataclass(frozen=True)
class Write:
    """One write operation as a script calls it."""

    method: str
    url: str
    body: dict | None = None


# Every write, with a valid body: judged for who may call it before anything is sent to ModelArts.
WRITES = {
    "create": Write("post", JOBS_URL, NEW_JOB),
    "stop": Write("post", f"{JOB_URL}/stop"),
    "restart": Write("post", f"{JOB_URL}/restart"),
    "edit": Write("patch", JOB_URL, {"job_desc": "new words"}),
    "delete": Write("delete", JOB_URL),
}


def call(client: Client, write: Write, headers: dict | None = None, **body):
    """The write, its body (JSON) amended by the keyword arguments."""
    payload = None if write.body is None and not body else {**(write.body or {}), **body}
    send = getattr(client, write.method)
    if payload is None:
        return send(write.url, headers=headers)
    return send(write.url, payload, content_type="application/json", headers=headers)


class TokenClient(Client):
    """A script with a personal API token: no cookies, no CSRF token, checks enforced."""

    def __init__(self, user, scope: str = ApiToken.Scope.READ_WRITE):
        super().__init__(
            enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'script', scope)[1]}"
        )


def session_client(user, *, csrf: bool) -> Client:
    """The user's browser, logged in, sending the page's CSRF token (cookie and X-CSRFToken) or not."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    if csrf:
        token = get_token(RequestFactory().get("/"))
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        client.defaults["HTTP_X_CSRFTOKEN"] = token
    return client


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    return error
