"""One exception family for everything that can go wrong talking to ModelArts or IAM.

Each class says what went wrong in ModelArts' terms: the error code, message and request id from the
answer (kept verbatim: users quote them to Huawei support) and the HTTP status it came with. What people
are told about it (a title, advice, the status of our own page) is the dashboard's business: see
``jobs/failures.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from .text import clean


class ModelArtsError(Exception):
    """``message`` is ModelArts' own words, or the transport's; empty when the answer had none. ``unsent``: the
    failure came before any of the request left (no connection made, no IAM token to send it with), so ModelArts
    cannot have acted on it."""

    unsent = False

    def __init__(self, message: str = "", *, code: str = "", http_status: int | None = None, request_id: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.request_id = request_id

    def __str__(self) -> str:
        return ": ".join(part for part in (self.code, self.message) if part) or type(self).__name__

    def __reduce__(self) -> tuple[Callable[..., ModelArtsError], tuple[Any, ...]]:
        """Keep every field when pickled (errors are cached briefly so concurrent viewers share them), whatever
        arguments a subclass's constructor takes."""
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(error_class: type[ModelArtsError], args: tuple[Any, ...], fields: dict[str, Any]) -> ModelArtsError:
    error = error_class.__new__(error_class, *args)
    error.args = args
    error.__dict__.update(fields)
    return error


class ConnectionFailed(ModelArtsError):
    """No connection to ModelArts or IAM: refused, reset, unresolvable, or not made in time. ``unsent`` when no
    connection was made; a connection closed without an answer may have carried the whole request."""

    def __init__(self, message: str = "", *, unsent: bool = False, **fields: Any):
        super().__init__(message, **fields)
        self.unsent = unsent


class UpstreamTimeout(ModelArtsError):
    """ModelArts (or the network to it) did not answer in time."""


class Busy(ModelArtsError):
    """ModelArts or the gateway asked to slow down, or is unavailable for now (429, 503, ModelArts.6101)."""


class ServiceError(ModelArtsError):
    """ModelArts failed on its side (5xx, or an internal-error code)."""


class BadResponse(ModelArtsError):
    """An answer the client cannot read: not JSON, the wrong shape, too deep, a redirect."""


class ResponseTooLarge(BadResponse):
    """An answer larger than the client reads (``max_response_bytes``)."""


class AuthenticationFailed(ModelArtsError):
    """ModelArts, the gateway or IAM refused the credentials."""


class IamTokenRefused(AuthenticationFailed):
    """IAM refused to issue a token for the IAM user's password (or the request for it)."""


class TokenRejected(AuthenticationFailed):
    """ModelArts refused the IAM token it was sent."""


class ClockSkew(AuthenticationFailed):
    """The gateway refused the signature because the request's time was too far off its clock."""


class IamRefusalPause(AuthenticationFailed):
    """IAM refused this IAM user's password too often lately, so it is not asked again for a while (see
    ``auth.IamTokenAuth``): nothing was sent. ``resume_at`` is when IAM may be asked again."""

    def __init__(self, message: str, *, resume_at: datetime):
        super().__init__(message)
        self.resume_at = resume_at


class CredentialMalformed(ModelArtsError):
    """A stored credential that cannot be sent at all (saved before it was validated): nothing reached
    ModelArts."""


class IamPermissionDenied(ModelArtsError):
    """The IAM user (or ModelArts' agency) lacks a permission: a 403 from ModelArts, not Django's kind."""


class ProjectMismatch(ModelArtsError):
    """The project id does not belong to the credentials, or the token is not scoped to it."""


class InvalidRequest(ModelArtsError):
    """ModelArts refused the request's parameters."""


class NotAllowedInStatus(InvalidRequest):
    """ModelArts refused an operation because of the job's current status (stopping a stopped job, deleting
    one that is starting): the request was fine, the moment was not, so callers tell it apart."""


class QuotaExceeded(InvalidRequest):
    """ModelArts refused to create or restart a job because the project's quota of jobs, or of running jobs, is
    used up: the request was fine, the account's state was not."""


class NotFound(ModelArtsError):
    """No visualization job with the id asked for."""


class EndpointNotFound(ModelArtsError):
    """The API gateway knows no such API: the endpoint is wrong."""


# Codes from the ModelArts and API Gateway error references.
CODES: dict[str, type[ModelArtsError]] = {
    "ModelArts.0101": InvalidRequest,
    "ModelArts.0104": InvalidRequest,
    "ModelArts.0107": InvalidRequest,
    "ModelArts.0102": InvalidRequest,
    "ModelArts.0105": NotAllowedInStatus,
    "ModelArts.0116": QuotaExceeded,
    "ModelArts.0201": TokenRejected,
    "ModelArts.0202": TokenRejected,
    "ModelArts.0203": TokenRejected,
    "ModelArts.0204": ProjectMismatch,
    "ModelArts.0205": AuthenticationFailed,
    "ModelArts.0206": AuthenticationFailed,
    "ModelArts.0208": AuthenticationFailed,
    "ModelArts.0108": IamPermissionDenied,
    "ModelArts.0210": ProjectMismatch,
    "ModelArts.2785": IamPermissionDenied,
    "ModelArts.6100": UpstreamTimeout,
    "ModelArts.6101": Busy,
    "ModelArts.0010": ServiceError,
    "ModelArts.6102": ServiceError,
    "APIGW.0301": AuthenticationFailed,
    "APIGW.0303": ClockSkew,
    "APIGW.0101": EndpointNotFound,
}

# What an HTTP status means when the body names no code we know.
ERRORS_BY_HTTP_STATUS: dict[int, type[ModelArtsError]] = {
    400: InvalidRequest,
    401: AuthenticationFailed,
    403: IamPermissionDenied,
    404: NotFound,
    408: UpstreamTimeout,
    429: Busy,
    500: ServiceError,
    502: ServiceError,
    503: Busy,
    504: UpstreamTimeout,
}

# ModelArts has no documented code for "job not found"; its messages say so in words.
NOT_FOUND_MESSAGE = re.compile(r"not (?:exist|found)", re.IGNORECASE)


def error_fields(body: Mapping[str, Any]) -> tuple[str, str, str]:
    """Code, message and request id from any of the error shapes: ModelArts, API Gateway or IAM."""
    code: object
    message: object
    request_id: object
    nested = body.get("error")
    if isinstance(nested, Mapping):  # IAM: {"error": {"code": 401, "message": ..., "title": ...}}
        code, message, request_id = nested.get("code"), nested.get("message") or nested.get("title"), ""
    else:
        code, message = body.get("error_code"), body.get("error_msg") or body.get("error_message")
        request_id = body.get("request_id")
    return clean(str(code or "")), clean(str(message or "")), clean(str(request_id or ""))


def error_for(http_status: int, code: str, message: str, request_id: str = "") -> ModelArtsError:
    """The exception for an error answer, from its code first, then its HTTP status."""
    error_class = CODES.get(code) or _class_for_status(http_status)
    if _means_missing_job(http_status, code, message):
        error_class = NotFound
    return error_class(message, code=code, http_status=http_status, request_id=request_id)


def _means_missing_job(http_status: int, code: str, message: str) -> bool:
    """A 404, or a plain refusal whose words say the job does not exist (gateway codes never mean that)."""
    if code.startswith("APIGW.") or code == "ModelArts.0102":  # a missing workspace is not a missing job
        return False
    return http_status == 404 or (http_status in (200, 400) and bool(NOT_FOUND_MESSAGE.search(message)))


def _class_for_status(http_status: int) -> type[ModelArtsError]:
    if http_status in ERRORS_BY_HTTP_STATUS:
        return ERRORS_BY_HTTP_STATUS[http_status]
    if http_status >= 500:
        return ServiceError
    return ModelArtsError
