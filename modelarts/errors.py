"""One exception family for everything that can go wrong talking to ModelArts or IAM.

Each class carries what a person needs: a title saying what happened, advice saying what to do next, and
the HTTP status our own page should answer with. The upstream code and message are kept verbatim so the
page can show them (users quote them to Huawei support).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .text import clean


def gettext_noop(message: str) -> str:
    """Marks a title or advice for translation; pages translate it when shown (this module has no Django)."""
    return message


class ModelArtsError(Exception):
    title = gettext_noop("The request to ModelArts failed.")
    advice = gettext_noop("Try again in a moment. If it keeps failing, check the ModelArts service status.")
    page_status = 502
    fixed_by_editing_credential = False  # pages then link to the credential's edit form

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        http_status: int | None = None,
        request_id: str = "",
        advice: str = "",
    ):
        super().__init__(message or self.title)
        self.message = message or self.title
        self.code = code
        self.http_status = http_status
        self.request_id = request_id
        if advice:
            self.advice = advice

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message

    def __reduce__(self) -> tuple[Callable[..., ModelArtsError], tuple[Any, ...]]:
        """Keep every field when pickled (errors are cached briefly so concurrent viewers share them)."""
        fields = {"code": self.code, "http_status": self.http_status, "request_id": self.request_id}
        return _rebuild, (type(self), self.message, fields, self.advice)


def _rebuild(error_class: type[ModelArtsError], message: str, fields: dict[str, Any], advice: str) -> ModelArtsError:
    error = error_class(message, **fields)
    error.advice = advice
    return error


class ConnectionFailed(ModelArtsError):
    title = gettext_noop("Could not connect to ModelArts.")
    advice = gettext_noop("Check the credential's region (and any custom endpoint) and this server's network access.")


class UpstreamTimeout(ModelArtsError):
    title = gettext_noop("ModelArts did not answer in time.")
    advice = gettext_noop("Try again in a moment; ModelArts or the network to it is slow right now.")
    page_status = 504


class Busy(ModelArtsError):
    title = gettext_noop("ModelArts is busy and asked us to slow down.")
    advice = gettext_noop("Wait a few seconds, then reload the page.")
    page_status = 503


class ServiceError(ModelArtsError):
    title = gettext_noop("ModelArts reported an internal error.")
    advice = gettext_noop("Try again later. If it persists, contact Huawei Cloud support with the request id.")


class BadResponse(ModelArtsError):
    title = gettext_noop("ModelArts sent an answer the dashboard could not understand.")
    advice = gettext_noop("Try again; if it persists, a proxy may be answering instead of ModelArts.")


class AuthenticationFailed(ModelArtsError):
    title = gettext_noop("ModelArts did not accept the stored credentials.")
    advice = gettext_noop(
        "Check the access key and secret key (or the IAM domain, user name and password) of this credential, "
        "and that the key or user is enabled in IAM."
    )


class TokenRejected(AuthenticationFailed):
    title = gettext_noop("ModelArts refused the IAM token.")


class ClockSkew(AuthenticationFailed):
    title = gettext_noop("The request's time was more than 15 minutes off ModelArts' clock.")
    advice = gettext_noop(
        "Synchronise this server's clock (NTP); signed requests are refused when the clocks disagree."
    )


class IamRefusalPause(AuthenticationFailed):
    """IAM refused this IAM user's password too often lately, so it is not asked again for a while (see
    ``auth.IamTokenAuth``): nothing was sent. 503: the same request succeeds after the pause, if the
    password is right."""

    title = gettext_noop("The dashboard paused asking IAM for a token for this IAM user.")
    advice = gettext_noop(
        "IAM refused this user's password several times lately. So that IAM does not lock the user, the "
        "dashboard asks it again only after the pause. Meanwhile check the IAM domain, user name and password."
    )
    page_status = 503


class CredentialMalformed(ModelArtsError):
    """A stored credential that cannot be sent at all (saved before it was validated): nothing reached
    ModelArts. 409, not 5xx: trying again cannot help, editing the credential does."""

    title = gettext_noop("The credential's access key is malformed.")
    advice = gettext_noop(
        "Edit the credential and enter its access key again: an access key has only printable ASCII "
        "characters, with no spaces or line breaks."
    )
    page_status = 409
    fixed_by_editing_credential = True


class PermissionDenied(ModelArtsError):
    title = gettext_noop("The IAM user is not allowed to do this.")
    advice = gettext_noop("Ask your Huawei Cloud administrator to grant this IAM user read access to ModelArts.")


class ProjectMismatch(ModelArtsError):
    title = gettext_noop("The project id does not belong to these credentials.")
    advice = gettext_noop(
        "Check the project id for this region under 'My Credentials > API Credentials' in the console."
    )


class InvalidRequest(ModelArtsError):
    title = gettext_noop("ModelArts refused the request as invalid.")
    advice = gettext_noop("Check the values entered; the message from ModelArts names the one it refused.")
    page_status = 502


class NotFound(ModelArtsError):
    title = gettext_noop("No visualization job with this id exists in this project.")
    advice = gettext_noop("Check the job id and that the credential's project and region are the ones the job runs in.")
    page_status = 404


class EndpointNotFound(ModelArtsError):
    title = gettext_noop("The ModelArts API was not found at the configured endpoint.")
    advice = gettext_noop("Check the credential's region and the MODELARTS_ENDPOINT setting.")


# Codes from the ModelArts and API Gateway error references. Advice overrides the class default where the
# code says more than the class does.
CODES: dict[str, tuple[type[ModelArtsError], str]] = {
    "ModelArts.0101": (InvalidRequest, ""),
    "ModelArts.0104": (InvalidRequest, ""),
    "ModelArts.0107": (InvalidRequest, ""),
    "ModelArts.0102": (InvalidRequest, gettext_noop("The workspace does not exist; check the project and workspace.")),
    "ModelArts.0105": (InvalidRequest, gettext_noop("The job's current status does not allow this operation.")),
    "ModelArts.0201": (TokenRejected, ""),
    "ModelArts.0202": (TokenRejected, ""),
    "ModelArts.0203": (TokenRejected, ""),
    "ModelArts.0204": (
        ProjectMismatch,
        gettext_noop("The IAM token is not scoped to a project; check the project id."),
    ),
    "ModelArts.0205": (AuthenticationFailed, ""),
    "ModelArts.0206": (AuthenticationFailed, ""),
    "ModelArts.0208": (AuthenticationFailed, ""),
    "ModelArts.0108": (PermissionDenied, ""),
    "ModelArts.0210": (ProjectMismatch, ""),
    "ModelArts.2785": (
        PermissionDenied,
        gettext_noop(
            "ModelArts has not been authorized (no agency): an administrator must add one under "
            "'Global Configuration' in the ModelArts console."
        ),
    ),
    "ModelArts.6100": (UpstreamTimeout, ""),
    "ModelArts.6101": (Busy, ""),
    "ModelArts.0010": (ServiceError, ""),
    "ModelArts.6102": (ServiceError, ""),
    "APIGW.0301": (AuthenticationFailed, ""),
    "APIGW.0303": (ClockSkew, ""),
    "APIGW.0101": (EndpointNotFound, ""),
}

# What an HTTP status means when the body names no code we know.
STATUSES: dict[int, type[ModelArtsError]] = {
    400: InvalidRequest,
    401: AuthenticationFailed,
    403: PermissionDenied,
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
    error_class, advice = CODES.get(code, (None, ""))
    if error_class is None:
        error_class = _class_for_status(http_status)
    if _means_missing_job(http_status, code, message):
        error_class = NotFound
    return error_class(message, code=code, http_status=http_status, request_id=request_id, advice=advice)


def _means_missing_job(http_status: int, code: str, message: str) -> bool:
    """A 404, or a plain refusal whose words say the job does not exist (gateway codes never mean that)."""
    if code.startswith("APIGW.") or code == "ModelArts.0102":  # a missing workspace is not a missing job
        return False
    return http_status == 404 or (http_status in (200, 400) and bool(NOT_FOUND_MESSAGE.search(message)))


def _class_for_status(http_status: int) -> type[ModelArtsError]:
    if http_status in STATUSES:
        return STATUSES[http_status]
    if http_status >= 500:
        return ServiceError
    return ModelArtsError
