"""The client says what ModelArts said; one table (jobs/failures.py) says how pages and the API tell it.

Client errors carry ModelArts' code, message, request id and HTTP status, and nothing for people. Every
error class has a row giving its title, advice, status and API code; a list's stored failure is looked up
in the table when shown, so a reworded row reaches failures stored before it.
"""

import inspect
import pickle
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import django.core.exceptions
import pytest
import responses
from django.utils import timezone

from accounts.crypto import SecretMissing, SecretUnreadable
from jobs import details, failures
from jobs.lookup_limit import LookupRateLimited
from modelarts import errors
from tests.conftest import PROJECT_A, make_job, store_list

LIST_URL = f"/projects/{PROJECT_A}/visualization-jobs/"
API_LIST_URL = f"/api/projects/{PROJECT_A}/visualization-jobs"
UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
RESUME_AT = datetime(2026, 11, 26, 12, 15, tzinfo=UTC)
CLIENT_ERRORS = [
    value for value in vars(errors).values() if isinstance(value, type) and issubclass(value, errors.ModelArtsError)
]


def test_client_errors_carry_nothing_for_people():
    for error_class in CLIENT_ERRORS:
        for presentation in ("title", "advice", "page_status", "fixed_by_editing_credential"):
            assert not hasattr(error_class, presentation), (error_class, presentation)
    for path in Path(inspect.getfile(errors)).parent.glob("*.py"):
        assert "gettext" not in path.read_text(encoding="utf-8"), path


def test_no_client_name_shadows_one_of_djangos_exceptions():
    djangos = {name for name in vars(django.core.exceptions) if not name.startswith("_")}

    assert {error_class.__name__ for error_class in CLIENT_ERRORS} & djangos == set()


def test_every_error_class_has_a_row_of_its_own():
    told = set(failures.FAILURES)

    assert {*CLIENT_ERRORS, SecretMissing, SecretUnreadable, LookupRateLimited} <= told
    for failure in failures.FAILURES.values():
        assert failure.title and failure.status in (404, 409, 429, 502, 503, 504)


def test_errors_keep_every_field_when_pickled():
    """Detail failures are cached briefly, pickled, for viewers arriving together."""
    error = errors.NotFound("gone", code="ModelArts.0104", http_status=404, request_id="rq-1")
    pause = errors.IamRefusalPause("paused", resume_at=RESUME_AT)

    copy, pause_copy = pickle.loads(pickle.dumps(error)), pickle.loads(pickle.dumps(pause))

    assert type(copy) is errors.NotFound
    assert (copy.message, copy.code, copy.http_status, copy.request_id) == ("gone", "ModelArts.0104", 404, "rq-1")
    assert (type(pause_copy), pause_copy.message, pause_copy.resume_at) == (errors.IamRefusalPause, "paused", RESUME_AT)


def test_an_answer_without_words_is_told_by_its_title():
    error = errors.error_for(404, "ModelArts.0104", "")

    assert error.message == ""
    assert (
        failures.explain(error).message == "ModelArts.0104: No visualization job with this id exists in this project."
    )


def test_a_stored_kind_no_longer_known_is_told_as_a_failed_request():
    explanation = failures.explain_stored("SomethingRenamedSince", "ModelArts.2785", "ModelArts.2785: no agency")

    assert explanation.title == "The request to ModelArts failed."
    assert "Global Configuration" in explanation.advice  # the code's own advice still applies


# What the API answered for each failure before the table existed: scripts depend on these codes.
ANSWERS = [
    (errors.ModelArtsError("x"), 502, "upstream_error"),
    (errors.ConnectionFailed("x"), 502, "connection_failed"),
    (errors.UpstreamTimeout("x"), 504, "upstream_timeout"),
    (errors.Busy("x"), 503, "busy"),
    (errors.ServiceError("x"), 502, "service_error"),
    (errors.BadResponse("x"), 502, "bad_response"),
    (errors.ResponseTooLarge("x"), 502, "bad_response"),
    (errors.AuthenticationFailed("x"), 502, "authentication_failed"),
    (errors.IamTokenRefused("x"), 502, "authentication_failed"),
    (errors.TokenRejected("x"), 502, "token_rejected"),
    (errors.ClockSkew("x"), 502, "clock_skew"),
    (errors.IamRefusalPause("x", resume_at=RESUME_AT), 503, "iam_refusal_pause"),
    (errors.CredentialMalformed("x"), 409, "credential_malformed"),
    (errors.IamPermissionDenied("x"), 502, "permission_denied"),
    (errors.IamPermissionDenied("x", code="ModelArts.0108"), 502, "ModelArts.0108"),
    (errors.ProjectMismatch("x"), 502, "project_mismatch"),
    (errors.InvalidRequest("x"), 502, "invalid_request"),
    (errors.NotFound("x", code="ModelArts.0104"), 404, "not_found"),
    (errors.EndpointNotFound("x"), 502, "endpoint_not_found"),
    (SecretMissing("x"), 409, "secret_missing"),
    (SecretUnreadable("x"), 503, "secret_unreadable"),
    (LookupRateLimited(7), 429, "rate_limited"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("error", "status", "code"), ANSWERS, ids=[f"{type(e).__name__}-{c}" for e, _, c in ANSWERS])
def test_each_failure_answers_pages_and_the_api_with_its_rows_status_and_code(
    alice_client, alice_credential, monkeypatch, error, status, code
):
    def fail(*args):
        raise error

    monkeypatch.setattr(details, "get_job", fail)

    page = alice_client.get(f"{LIST_URL}10086/")
    api = alice_client.get(f"{API_LIST_URL}/10086")

    assert (page.status_code, api.status_code) == (status, status)
    assert api.json()["error"]["code"] == code
    if isinstance(error, errors.ModelArtsError):  # the others have pages of their own
        assert api.json()["error"]["title"] == failures.explain(error).title
        assert failures.explain(error).title in unescape(page.content.decode())


@pytest.mark.django_db
@responses.activate
def test_a_reworded_row_reaches_failures_stored_before_it(alice_client, alice_credential, monkeypatch):
    store_list(alice_credential, [make_job(1)], fetched_at=timezone.now() - timedelta(hours=1))
    responses.get(UPSTREAM, status=403, json={"error_code": "ModelArts.0108", "error_msg": "denied"})
    alice_client.get(LIST_URL)  # the refresh fails and is stored
    row = failures.FAILURES[errors.IamPermissionDenied]
    monkeypatch.setitem(failures.FAILURES, errors.IamPermissionDenied, replace(row, title="Reworded.", advice="Ask."))

    page = alice_client.get(LIST_URL).content.decode()
    last_error = alice_client.get(API_LIST_URL).json()["last_error"]

    assert "Reworded." in page and "Ask." in page
    assert (last_error["title"], last_error["message"], last_error["advice"]) == (
        "Reworded.",
        "ModelArts.0108: denied",
        "Ask.",
    )
