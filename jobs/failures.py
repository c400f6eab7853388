"""Failures told to people: what happened, ModelArts' own words, what to do next, and how pages and the JSON
API answer.

The ModelArts client says what went wrong in ModelArts' terms (a class, a code, a message); FAILURES says
how the dashboard tells it. Titles and advice are English here, marked for translation: the English text is
the catalog's key, translated when shown, in each viewer's language (the JSON API keeps the English).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext, gettext_noop

from accounts.crypto import SecretMissing, SecretUnreadable
from modelarts import errors

from .lookup_limit import LookupRateLimited
from .upstream_limit import UpstreamBusy


class RefreshTimeLimitExceeded(Exception):
    """A list refresh still paging after LIST_REFRESH_TIME_LIMIT: it stops, so it never outlives its lock.

    The dashboard's own limit rather than ModelArts' failure, so it is defined here, beside how it is told.
    """


Explainable = errors.ModelArtsError | SecretUnreadable | LookupRateLimited | UpstreamBusy | RefreshTimeLimitExceeded


@dataclass(frozen=True)
class Failure:
    """How one kind of failure is told: to people on pages, and to scripts by the JSON API."""

    title: str  # what happened (English, translated when shown)
    advice: str  # what to do next (likewise)
    status: int  # the HTTP status of our page, and of the API's answer
    api_code: str  # the API's error code, where ModelArts gave none of its own
    api_code_always: bool = False  # the API's code even where ModelArts gave one
    fixed_by_editing_credential: bool = False  # pages then link to the credential's edit form


_CHECK_CREDENTIALS = gettext_noop(
    "Check the access key and secret key (or the IAM domain, user name and password) of this credential, "
    "and that the key or user is enabled in IAM."
)
_NOT_UNDERSTOOD = gettext_noop("ModelArts sent an answer the dashboard could not understand.")
_NOT_ACCEPTED = gettext_noop("ModelArts did not accept the stored credentials.")
_ENTER_SECRET_AGAIN = gettext_noop("Enter the secret again on the credential's page.")

FAILURES: dict[type[Exception], Failure] = {
    errors.ModelArtsError: Failure(
        gettext_noop("The request to ModelArts failed."),
        gettext_noop("Try again in a moment. If it keeps failing, check the ModelArts service status."),
        502,
        "upstream_error",
    ),
    errors.ConnectionFailed: Failure(
        gettext_noop("Could not connect to ModelArts."),
        gettext_noop("Check the credential's region (and any custom endpoint) and this server's network access."),
        502,
        "connection_failed",
    ),
    errors.UpstreamTimeout: Failure(
        gettext_noop("ModelArts did not answer in time."),
        gettext_noop("Try again in a moment; ModelArts or the network to it is slow right now."),
        504,
        "upstream_timeout",
    ),
    errors.Busy: Failure(
        gettext_noop("ModelArts is busy and asked us to slow down."),
        gettext_noop("Wait a few seconds, then reload the page."),
        503,
        "busy",
    ),
    errors.ServiceError: Failure(
        gettext_noop("ModelArts reported an internal error."),
        gettext_noop("Try again later. If it persists, contact Huawei Cloud support with the request id."),
        502,
        "service_error",
    ),
    errors.BadResponse: Failure(
        _NOT_UNDERSTOOD,
        gettext_noop("Try again; if it persists, a proxy may be answering instead of ModelArts."),
        502,
        "bad_response",
    ),
    errors.ResponseTooLarge: Failure(
        _NOT_UNDERSTOOD,
        gettext_noop("Try again; if ModelArts really sends answers this large, raise MODELARTS_MAX_RESPONSE_BYTES."),
        502,
        "bad_response",
    ),
    errors.AuthenticationFailed: Failure(_NOT_ACCEPTED, _CHECK_CREDENTIALS, 502, "authentication_failed"),
    errors.IamTokenRefused: Failure(
        _NOT_ACCEPTED,
        gettext_noop("Check the IAM domain (account) name, user name and password, and the project id."),
        502,
        "authentication_failed",
    ),
    errors.TokenRejected: Failure(
        gettext_noop("ModelArts refused the IAM token."), _CHECK_CREDENTIALS, 502, "token_rejected"
    ),
    errors.ClockSkew: Failure(
        gettext_noop("The request's time was more than 15 minutes off ModelArts' clock."),
        gettext_noop("Synchronise this server's clock (NTP); signed requests are refused when the clocks disagree."),
        502,
        "clock_skew",
    ),
    # 503: the same request succeeds after the pause, if the password is right.
    errors.IamRefusalPause: Failure(
        gettext_noop("The dashboard paused asking IAM for a token for this IAM user."),
        gettext_noop(
            "IAM refused this user's password several times lately. So that IAM does not lock the user, the "
            "dashboard asks it again only after the pause. Meanwhile check the IAM domain, user name and password."
        ),
        503,
        "iam_refusal_pause",
    ),
    # 409, not 5xx: trying again cannot help, editing the credential does.
    errors.CredentialMalformed: Failure(
        gettext_noop("The credential's access key is malformed."),
        gettext_noop(
            "Edit the credential and enter its access key again: an access key has only printable ASCII "
            "characters, with no spaces or line breaks."
        ),
        409,
        "credential_malformed",
        fixed_by_editing_credential=True,
    ),
    errors.IamPermissionDenied: Failure(
        gettext_noop("The IAM user is not allowed to do this."),
        gettext_noop("Ask your Huawei Cloud administrator to grant this IAM user read access to ModelArts."),
        502,
        "permission_denied",
    ),
    errors.ProjectMismatch: Failure(
        gettext_noop("The project id does not belong to these credentials."),
        gettext_noop("Check the project id for this region under 'My Credentials > API Credentials' in the console."),
        502,
        "project_mismatch",
    ),
    errors.InvalidRequest: Failure(
        gettext_noop("ModelArts refused the request as invalid."),
        gettext_noop("Check the values entered; the message from ModelArts names the one it refused."),
        502,
        "invalid_request",
    ),
    # A conflict with the job's state, not a bad request: the job's page shows the status that refused it.
    errors.NotAllowedInStatus: Failure(
        gettext_noop("The job's current status does not allow this operation."),
        gettext_noop("Wait a few seconds, then reload the page."),
        409,
        "not_allowed_in_status",
        api_code_always=True,  # ModelArts' code (0105) goes in modelarts_code; scripts test for the conflict
    ),
    # Likewise a conflict with the project's state: stopping or deleting other jobs, or a larger quota, helps.
    errors.QuotaExceeded: Failure(
        gettext_noop("The project's quota of visualization jobs is used up."),
        gettext_noop(
            "Stop or delete jobs that are no longer needed, or ask your Huawei Cloud administrator to raise the "
            "ModelArts quota."
        ),
        409,
        "quota_exceeded",
        api_code_always=True,  # ModelArts' code goes in modelarts_code
    ),
    # "not_found" whatever code ModelArts used, as for every other missing thing the API is asked for.
    errors.NotFound: Failure(
        gettext_noop("No visualization job with this id exists in this project."),
        gettext_noop("Check the job id and that the credential's project and region are the ones the job runs in."),
        404,
        "not_found",
        api_code_always=True,
    ),
    errors.EndpointNotFound: Failure(
        gettext_noop("The ModelArts API was not found at the configured endpoint."),
        gettext_noop("Check the credential's region and the MODELARTS_ENDPOINT setting."),
        502,
        "endpoint_not_found",
    ),
    # A missing secret (cleared by an administrator) is a conflict only its owner resolves, and retrying never
    # helps; one that cannot be decrypted is unavailable until the people who run the dashboard restore its key.
    SecretMissing: Failure(
        gettext_noop("No secret is stored for this credential."), _ENTER_SECRET_AGAIN, 409, "secret_missing"
    ),
    SecretUnreadable: Failure(
        gettext_noop("The stored secret cannot be read."), _ENTER_SECRET_AGAIN, 503, "secret_unreadable"
    ),
    # 504 like a ModelArts timeout: the list may well come through next time, or once ModelArts is faster.
    RefreshTimeLimitExceeded: Failure(
        gettext_noop("Fetching the whole list took longer than the dashboard allows."),
        gettext_noop(
            "The list is fetched again later. If it keeps happening, ModelArts is slow or the list is very "
            "long: the people who run the dashboard can raise LIST_REFRESH_TIME_LIMIT (and "
            "LIST_REFRESH_LOCK_SECONDS above it)."
        ),
        504,
        "refresh_time_limit",
    ),
    # Its advice depends on the wait, so pages say it in words of their own.
    LookupRateLimited: Failure(gettext_noop("Too many job lookups"), "", 429, "rate_limited"),
    # 503 and not ModelArts' "busy": this server did not ask, as it already waits on ModelArts for as many
    # requests as it lets wait (a job in the cached list is shown from there instead; see jobs/views.py).
    UpstreamBusy: Failure(
        gettext_noop("ModelArts is slow to answer, and the dashboard is already waiting on it for many requests."),
        gettext_noop(
            "So that the dashboard stays usable, it did not ask ModelArts this time. Try again in a few seconds."
        ),
        503,
        "upstream_busy",
    ),
}

# Advice for ModelArts codes that say more than their error class does.
CODE_ADVICE: dict[str, str] = {
    "ModelArts.0102": gettext_noop("The workspace does not exist; check the project and workspace."),
    "ModelArts.0204": gettext_noop("The IAM token is not scoped to a project; check the project id."),
    "ModelArts.2785": gettext_noop(
        "ModelArts has not been authorized (no agency): an administrator must add one under "
        "'Global Configuration' in the ModelArts console."
    ),
}

# Advice for an action refused (jobs/actions.py) where it differs from the advice for reading a job. Missing
# IAM rights name what to ask for: reading jobs needs less than stopping, restarting, editing or deleting them.
ACTION_ADVICE: dict[type[Exception], str] = {
    errors.IamPermissionDenied: gettext_noop(
        "Ask your Huawei Cloud administrator to grant this IAM user the ModelArts permission to operate "
        "visualization jobs (create, update, stop, restart and delete them), for example through the system "
        "policy ModelArts CommonOperations or ModelArts FullAccess."
    ),
    errors.NotAllowedInStatus: gettext_noop(
        "The job's page shows its status now, and offers only what ModelArts allows in it."
    ),
}

# The API's status for an action refused where it differs from a lookup's: an IAM user not allowed to operate
# jobs is a refusal of this request (403), not ModelArts failing (502 when only reading was refused).
ACTION_STATUS: dict[type[Exception], int] = {errors.IamPermissionDenied: 403}

_KINDS: dict[str, type[Exception]] = {error_class.__name__: error_class for error_class in FAILURES}


@dataclass(frozen=True)
class Explanation:
    """A failure told to a person: its kind and code, what happened, the upstream words, what to do next.

    ``kind`` and ``code`` are what a list's last failure stores; ``explain_stored`` finds the rest again, so
    a changed wording or translation applies to old failures too. ``message`` is ModelArts' code and words
    (or the transport failure's), shown as they came.
    """

    kind: str  # the name of the class FAILURES tells it by
    code: str  # ModelArts' error code, if it gave one
    message: str
    failure: Failure

    @property
    def title(self) -> str:
        return self.failure.title

    @property
    def advice(self) -> str:
        return CODE_ADVICE.get(self.code) or self.failure.advice

    @property
    def status(self) -> int:
        return self.failure.status

    @property
    def api_code(self) -> str:
        if self.code and not self.failure.api_code_always:
            return self.code
        return self.failure.api_code

    @property
    def fixed_by_editing_credential(self) -> bool:
        return self.failure.fixed_by_editing_credential

    @property
    def translated_title(self) -> str:
        return gettext(self.title) if self.title else ""

    @property
    def translated_advice(self) -> str:
        return gettext(self.advice) if self.advice else ""

    def __str__(self) -> str:
        message = "" if self.message == self.title else f" {self.message}"  # an error without words of its own
        return f"{self.translated_title}{message} — {self.translated_advice}"


def explain(error: Explainable) -> Explanation:
    error_class = _told_as(type(error))
    failure = FAILURES[error_class]
    if not isinstance(error, errors.ModelArtsError):
        return Explanation(error_class.__name__, "", str(error), failure)
    words = error.message or failure.title  # an answer without words says what the title says
    message = f"{error.code}: {words}" if error.code else words
    return Explanation(error_class.__name__, error.code, message, failure)


def explain_action(error: Explainable) -> Explanation:
    """A failed action told as explain() tells it, with ACTION_ADVICE and ACTION_STATUS where they have a row (a
    code's own advice, such as a missing agency's, still comes first)."""
    explanation = explain(error)
    kind = _KINDS[explanation.kind]
    failure = explanation.failure
    failure = replace(
        failure, advice=ACTION_ADVICE.get(kind, failure.advice), status=ACTION_STATUS.get(kind, failure.status)
    )
    return replace(explanation, failure=failure)


def explain_stored(kind: str, code: str, message: str) -> Explanation:
    """A failure stored earlier; a kind no longer known is told as a failed request to ModelArts."""
    error_class = _KINDS.get(kind, errors.ModelArtsError)
    return Explanation(error_class.__name__, code, message, FAILURES[error_class])


def _told_as(error_class: type[Exception]) -> type[Exception]:
    """The nearest class FAILURES has a row for: the error's own, or the one it specializes."""
    return next(ancestor for ancestor in error_class.__mro__ if ancestor in FAILURES)
