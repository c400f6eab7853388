"""The two ways of authenticating to ModelArts: AK/SK signatures and project-scoped IAM tokens.

Both are ``requests`` auth objects with one extra method, ``renew()``, which the client calls after a 401:
it answers whether trying once more with fresh authentication makes sense (it does for an expired token,
never for a signature).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import requests

from .errors import (
    AuthenticationFailed,
    BadResponse,
    IamRefusalPause,
    IamTokenRefused,
    ModelArtsError,
    error_fields,
    error_for,
)
from .http import DEFAULT_MAX_RESPONSE_BYTES, Timeouts, json_body, send
from .signing import AkSkAuth, fits_in_header

TOKEN_HEADER = "X-Auth-Token"
SUBJECT_TOKEN_HEADER = "X-Subject-Token"
# A token is not used in its last minutes, so a request never starts with one about to expire.
TOKEN_RENEWAL_MARGIN = timedelta(minutes=5)
# IAM locks a user after repeated wrong passwords; the dashboard stops asking before it gets there.
DEFAULT_REFUSALS_BEFORE_PAUSE = 5
DEFAULT_REFUSAL_PAUSE = timedelta(minutes=15)


class TokenStore(Protocol):
    """Where tokens are kept between requests and processes; Django's cache fits."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: Any, timeout: float) -> Any: ...

    def delete(self, key: str) -> Any: ...


class RenewableAuth(Protocol):
    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest: ...

    def renew(self) -> bool:
        """Forget cached authentication; True if a retry with fresh authentication could succeed."""
        ...


class SignatureAuth(AkSkAuth):
    def renew(self) -> bool:
        return False


class IamTokenAuth(requests.auth.AuthBase):
    """Adds a project-scoped IAM token, obtained with a password and reused until shortly before expiry.

    Tokens are shared through ``store`` by everyone who holds the same identity *and the same password*:
    the store key is a keyed hash of both (``binding_key`` comes from the application's secrets). Anyone
    who merely knows the domain, user and project, with a wrong password, misses the cache and asks IAM,
    which refuses them; and neither the password nor a hash of it that could be guessed offline is kept.

    Asking IAM is therefore a password guess, and whoever can store a credential can repeat it. So IAM's
    refusals are counted per IAM user (see ``refusals_key``), whoever asked: once it refused
    ``refusals_before_pause`` times within ``refusal_pause``, IAM is not asked for that user until the
    oldest of those refusals is that long ago, and ``token()`` raises IamRefusalPause instead. That bounds
    the guesses anyone gets through the dashboard, and keeps them below IAM's own lockout, which would
    lock the user out of everything. A token already earned is still used: it needs no asking. The
    pause is for everyone, the right password too (a success resets nothing), or a guesser could
    interleave with the user's own logins.

    The count is read and written without a lock (the store has no atomic update): refusals that arrive
    at the same moment may each write back what they read plus themselves, so simultaneous guesses can
    count as one. The per-user limits on what reaches ModelArts bound how many one user has in flight. A
    store that loses the count (a restart, eviction) starts it again.
    """

    def __init__(
        self,
        *,
        iam_endpoint: str,
        domain_name: str,
        user_name: str,
        password: str,
        project_id: str,
        store: TokenStore,
        binding_key: bytes,
        timeouts: Timeouts,
        user_agent: str,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        refusals_before_pause: int = DEFAULT_REFUSALS_BEFORE_PAUSE,
        refusal_pause: timedelta = DEFAULT_REFUSAL_PAUSE,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.iam_endpoint = iam_endpoint
        self.domain_name = domain_name
        self.user_name = user_name
        self._password = password
        self.project_id = project_id
        self.store = store
        self._binding_key = binding_key
        self.timeouts = timeouts
        self.user_agent = user_agent
        self.max_response_bytes = max_response_bytes
        self.refusals_before_pause = refusals_before_pause
        self.refusal_pause = refusal_pause
        self.clock = clock
        self.session = requests.Session()  # no retries: a token request is a POST

    def __repr__(self) -> str:
        return f"IamTokenAuth(domain_name={self.domain_name!r}, user_name={self.user_name!r})"

    @property
    def cache_key(self) -> str:
        """The same for every process that holds this identity and password, and for no one else."""
        bound = json.dumps([self.iam_endpoint, self.domain_name, self.user_name, self.project_id, self._password])
        return "modelarts-token:" + hmac.new(self._binding_key, bound.encode(), hashlib.sha256).hexdigest()

    @property
    def refusals_key(self) -> str:
        """The same for everyone who names this IAM user, whatever password and project they hold; a keyed
        hash, so the store does not show whose passwords were refused. Names are compared without case:
        spellings IAM may take for one user then count together, and at worst two users whose names
        differ only in case share a count, which pauses sooner."""
        names = [self.domain_name.casefold(), self.user_name.casefold()]
        identity = json.dumps(["iam-refusals", self.iam_endpoint, *names])
        return "modelarts-iam-refusals:" + hmac.new(self._binding_key, identity.encode(), hashlib.sha256).hexdigest()

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Called before the request is sent: without a token it is never sent."""
        try:
            request.headers[TOKEN_HEADER] = self.token()
        except ModelArtsError as error:
            error.unsent = True
            raise
        return request

    def renew(self) -> bool:
        self.store.delete(self.cache_key)
        return True

    def token(self) -> str:
        token = self.store.get(self.cache_key)
        if token:
            return token
        now = self.clock().timestamp()
        refusals = self._recent_refusals(now)
        self._refuse_during_pause(refusals, now)
        try:
            token, expires_at = self._issue_token()
        except AuthenticationFailed as refusal:
            if refusal.http_status == 401:  # a wrong password (400 is a malformed request, 403 a permission)
                self._remember_refusals([*refusals, now])
            raise
        reusable_for = (expires_at - TOKEN_RENEWAL_MARGIN - self.clock()).total_seconds()
        if reusable_for > 0:
            self.store.set(self.cache_key, token, reusable_for)
        return token

    def _recent_refusals(self, now: float) -> list[float]:
        """When IAM refused this user lately (within ``refusal_pause``), oldest first; the store holds them
        as text (an encrypting store keeps strings)."""
        stored = self.store.get(self.refusals_key)
        try:
            moments = [float(moment) for moment in stored.split()] if isinstance(stored, str) else []
        except ValueError:  # not what this class writes: count afresh
            moments = []
        since = now - self.refusal_pause.total_seconds()
        return sorted(moment for moment in moments if moment > since)

    def _remember_refusals(self, refusals: list[float]) -> None:
        kept = refusals[-self.refusals_before_pause :]  # older ones can no longer decide a pause
        timeout = math.ceil(self.refusal_pause.total_seconds())
        self.store.set(self.refusals_key, " ".join(f"{moment:.3f}" for moment in kept), timeout)

    def _refuse_during_pause(self, refusals: list[float], now: float) -> None:
        """Raise IamRefusalPause while the last ``refusals_before_pause`` refusals all lie within the pause."""
        if len(refusals) < self.refusals_before_pause:
            return
        resume = refusals[-self.refusals_before_pause] + self.refusal_pause.total_seconds()
        minutes = self.refusal_pause.total_seconds() / 60
        times = "once" if len(refusals) == 1 else f"{len(refusals)} times"
        resume_at = datetime.fromtimestamp(resume, UTC)
        raise IamRefusalPause(
            f"IAM refused the password for this IAM user {times} in the last {minutes:g} minutes. "
            "So that IAM does not lock the user, the dashboard will not ask IAM for a token for it before "
            f"{resume_at:%Y-%m-%d %H:%M:%S} UTC (in {math.ceil((resume - now) / 60)} min).",
            resume_at=resume_at,
        )

    def _issue_token(self) -> tuple[str, datetime]:
        response = send(
            self.session,
            "POST",
            f"{self.iam_endpoint}/v3/auth/tokens",
            timeouts=self.timeouts,
            max_response_bytes=self.max_response_bytes,
            headers={"User-Agent": self.user_agent, "Content-Type": "application/json;charset=utf8"},
            json=self._token_request_body(),
        )
        if response.status_code != 201:
            raise _iam_error(response)
        token = response.headers.get(SUBJECT_TOKEN_HEADER, "")
        try:
            expires_at = datetime.fromisoformat(json_body(response)["token"]["expires_at"])
        except (ValueError, KeyError, TypeError) as exc:
            raise BadResponse("IAM answered without a readable token expiry time.") from exc
        if not token:
            raise BadResponse("IAM answered without an X-Subject-Token header.")
        if not fits_in_header(token):  # sent back, it would break the request; never quote it
            raise BadResponse("IAM answered with a token that cannot be sent in a header.")
        return token, expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)

    def _token_request_body(self) -> dict[str, Any]:
        user = {"name": self.user_name, "password": self._password, "domain": {"name": self.domain_name}}
        return {
            "auth": {
                "identity": {"methods": ["password"], "password": {"user": user}},
                "scope": {"project": {"id": self.project_id}},
            }
        }


def _iam_error(response: requests.Response) -> ModelArtsError:
    body = json_body(response)
    code, message, _ = error_fields(body) if isinstance(body, dict) else ("", "", "")
    if response.status_code in (400, 401, 403):
        return IamTokenRefused(
            # Not "token: <message>", which log redaction would take for a token and mask the message's first word.
            f"IAM refused to issue a token. {message or response.reason}",
            code=code,
            http_status=response.status_code,
        )
    return error_for(response.status_code, code, message or f"IAM answered HTTP {response.status_code}.")
