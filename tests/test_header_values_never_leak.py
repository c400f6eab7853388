"""Authorization headers and tokens never reach an exception's text (its causes included), a log line or an
error page, even when a request fails because of the header itself (http.client and requests quote the
offending value in their exceptions)."""

import io
import logging
import sys
import traceback
from collections.abc import Iterator

import pytest
import requests
import responses
from django.test import Client
from django.views.debug import get_exception_reporter_class

from dashboard.redaction import RedactSecretsFilter
from jobs import details
from modelarts import errors
from modelarts.auth import IamTokenAuth, SignatureAuth
from modelarts.client import ModelArtsClient, RetryPolicy, new_session
from modelarts.http import Timeouts
from simulator import seed
from simulator.seed import DEMO
from tests.conftest import make_simulated_credential

SIGNATURE = "5d1f" * 16
TOKEN = "MIIEtokenBODY" + "Q" * 40 + "tokenTAIL"
AUTHORIZATION = f"SDK-HMAC-SHA256 Access=DEMOAK\r\nX-Injected: 1, SignedHeaders=host, Signature={SIGNATURE}"
LEAKS = (SIGNATURE, "tokenBODY", "tokenTAIL")


def assert_nothing_leaks(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text


def chain(error: BaseException) -> Iterator[BaseException]:
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def assert_chain_is_clean(error: BaseException) -> None:
    for link in chain(error):
        assert_nothing_leaks(str(link))
        assert_nothing_leaks(repr(link.args))
    assert_nothing_leaks("".join(traceback.format_exception(error)))


# The client's exceptions


def test_a_header_refused_on_the_way_out_is_not_quoted_in_the_error_or_its_chain(simulator):
    session = new_session(f"agent\r\nX-Auth-Token: {TOKEN}", RetryPolicy(attempts=1))
    client = ModelArtsClient(
        endpoint=simulator.url,
        project_id=DEMO.project_id,
        auth=SignatureAuth(DEMO.access_key, DEMO.secret_key),
        user_agent="unused",
        session=session,
    )

    with pytest.raises(errors.ModelArtsError, match="failed: InvalidHeader") as failed:
        client.list_visualization_jobs()

    assert_chain_is_clean(failed.value)


@responses.activate
def test_an_iam_token_that_cannot_be_sent_back_is_refused_unquoted(simulator):
    responses.add_passthru(simulator.url)
    iam = "https://iam.cn-north-4.myhuaweicloud.com"
    responses.post(
        f"{iam}/v3/auth/tokens",
        status=201,
        json={"token": {"expires_at": "2999-01-01T00:00:00Z"}},
        headers={"X-Subject-Token": TOKEN + "\r"},
    )
    auth = IamTokenAuth(
        iam_endpoint=iam,
        domain_name=DEMO.domain_name,
        user_name=DEMO.user_name,
        password=DEMO.password,
        project_id=DEMO.project_id,
        store=NoStore(),
        binding_key=b"tests",
        timeouts=Timeouts(1, 1),
        user_agent="test-agent",
    )
    client = ModelArtsClient(endpoint=simulator.url, project_id=DEMO.project_id, auth=auth, user_agent="test-agent")

    with pytest.raises(errors.BadResponse, match="token that cannot be sent") as refused:
        client.list_visualization_jobs()

    assert_chain_is_clean(refused.value)
    assert simulator.calls["list"] == 0


class NoStore:
    def get(self, key):
        return None

    def set(self, key, value, timeout):
        pass

    def delete(self, key):
        pass


# Logs and error pages, when a header value breaks a request anyway (a bug, or a library's own words)


def send_unsendable(simulator, name: str, value: str) -> None:
    """A real request carrying a header value that http.client refuses, quoting it, with a ValueError."""

    def add_header(request):
        request.headers[name] = value
        return request

    requests.get(f"{simulator.url}/v1/{DEMO.project_id}/visualization-jobs", auth=add_header, timeout=2)


UNSENDABLE = [("Authorization", AUTHORIZATION), ("X-Auth-Token", TOKEN + "\r")]


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the project's console log handler (LOGGING in settings) writes."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(log_filter, RedactSecretsFilter) for log_filter in handler.filters)
    ]
    assert handlers, "the project's logging configuration is not in effect"
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)
    yield stream
    handlers[0].setStream(previous)


@pytest.mark.parametrize(("name", "value"), UNSENDABLE)
@pytest.mark.django_db
def test_not_on_the_technical_500_page_nor_in_the_log(alice, simulator, settings, monkeypatch, console, name, value):
    settings.DEBUG = True
    monkeypatch.setattr(details, "get_job", lambda credential, job_id: send_unsendable(simulator, name, value))
    make_simulated_credential(alice, simulator)
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    response = client.get(f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "Invalid header value" in html and "putheader" in html  # the technical page, down to http.client
    assert_nothing_leaks(html)
    log = console.getvalue()
    assert "Invalid header value" in log and "Traceback" in log
    assert_nothing_leaks(log)


@pytest.mark.parametrize(("name", "value"), UNSENDABLE)
def test_not_in_the_exception_reporters_text(simulator, name, value):
    try:
        try:
            send_unsendable(simulator, name, value)
        except ValueError as exc:
            raise RuntimeError("while asking ModelArts") from exc
    except RuntimeError:
        reporter = get_exception_reporter_class(None)(None, *sys.exc_info())

    text, html = reporter.get_traceback_text(), reporter.get_traceback_html()

    assert "Invalid header value" in text
    assert_nothing_leaks(text)
    assert_nothing_leaks(html)


@pytest.mark.parametrize(
    "message",
    [
        f"Invalid header value b{AUTHORIZATION!r}",
        f"Invalid leading whitespace, reserved character(s), or return character(s) in header value: {TOKEN!r}",
        f"sending ['{TOKEN}']",
        f"Authorization value {AUTHORIZATION!r}",
        f"Authorization failed for Bearer {TOKEN[3:]}",
    ],
)
def test_the_log_filter_masks_values_without_their_header_name(message):
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "%s", (message,), None)

    RedactSecretsFilter().filter(record)

    assert_nothing_leaks(record.getMessage())
