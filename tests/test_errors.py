"""Every documented error code and HTTP status maps to an explanation, advice and a page status."""

import pytest

from jobs import failures
from modelarts import errors


@pytest.mark.parametrize(
    ("http_status", "code", "message", "expected", "page_status"),
    [
        (400, "ModelArts.0101", "invalid argument", errors.InvalidRequest, 502),
        (400, "ModelArts.0102", "workspace does not exist", errors.InvalidRequest, 502),
        (200, "ModelArts.0105", "This job can't be stop. job status: 10", errors.NotAllowedInStatus, 409),
        (400, "ModelArts.0204", "no project in token", errors.ProjectMismatch, 502),
        (401, "ModelArts.0202", "token expired", errors.TokenRejected, 502),
        (401, "ModelArts.0208", "check failed", errors.AuthenticationFailed, 502),
        (403, "ModelArts.0108", "not allowed", errors.IamPermissionDenied, 502),
        (403, "ModelArts.0210", "project mismatch", errors.ProjectMismatch, 502),
        (403, "ModelArts.2785", "no agency", errors.IamPermissionDenied, 502),
        (408, "ModelArts.6100", "timed out", errors.UpstreamTimeout, 504),
        (429, "ModelArts.6101", "busy", errors.Busy, 503),
        (500, "ModelArts.0010", "internal", errors.ServiceError, 502),
        (500, "ModelArts.6102", "internal", errors.ServiceError, 502),
        (401, "APIGW.0301", "verify aksk signature fail", errors.AuthenticationFailed, 502),
        (401, "APIGW.0301", "ak AK123 not exist", errors.AuthenticationFailed, 502),
        (401, "APIGW.0303", "request time skew", errors.ClockSkew, 502),
        (404, "APIGW.0101", "API does not exist", errors.EndpointNotFound, 502),
        (404, "ModelArts.0104", "Visualization job 5 does not exist.", errors.NotFound, 404),
        (400, "ModelArts.0104", "the job does not exist", errors.NotFound, 404),
        (200, "ModelArts.3999", "job not found", errors.NotFound, 404),
        (404, "", "", errors.NotFound, 404),
        (503, "", "", errors.Busy, 503),
        (502, "", "", errors.ServiceError, 502),
        (504, "", "", errors.UpstreamTimeout, 504),
        (599, "", "", errors.ServiceError, 502),
        (418, "", "", errors.ModelArtsError, 502),
    ],
)
def test_error_for(http_status, code, message, expected, page_status):
    error = errors.error_for(http_status, code, message, "req-1")

    explanation = failures.explain(error)
    assert type(error) is expected
    assert explanation.status == page_status
    assert error.code == code
    assert error.request_id == "req-1"
    assert explanation.title and explanation.advice


def test_code_specific_advice_overrides_the_class_default():
    explanation = failures.explain(errors.error_for(403, "ModelArts.2785", "no agency"))

    assert "agency" in explanation.advice
    assert explanation.advice != failures.FAILURES[errors.IamPermissionDenied].advice


def test_str_names_code_and_message():
    assert str(errors.error_for(401, "APIGW.0303", "skew")) == "APIGW.0303: skew"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"error_code": "ModelArts.0104", "error_msg": "bad"}, ("ModelArts.0104", "bad", "")),
        ({"error_code": "ModelArts.0104", "error_message": "bad"}, ("ModelArts.0104", "bad", "")),
        ({"error_code": "APIGW.0301", "error_msg": "x", "request_id": "r"}, ("APIGW.0301", "x", "r")),
        ({"error": {"code": 401, "message": "wrong", "title": "Unauthorized"}}, ("401", "wrong", "")),
        ({}, ("", "", "")),
    ],
)
def test_error_fields_reads_every_shape(body, fields):
    assert errors.error_fields(body) == fields
