"""The two ways of authenticating to ModelArts: AK/SK signatures and project-scoped IAM tokens.

Both are ``requests`` auth objects with one extra method, ``renew()``, which the client calls after a 401:
it answers whether trying once more with fresh authentication makes sense (it does for an expired token,
never for a signature).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import requests

from .errors import AuthenticationFailed, BadResponse, ModelArtsError, error_fields, error_for, gettext_noop
from .http import DEFAULT_MAX_RESPONSE_BYTES, Timeouts, json_body, send
from .signing import AkSkAuth, fits_in_header

TOKEN_HEADER = "X-Auth-Token"
SUBJECT_TOKEN_HEADER = "X-Subject-Token"
# A token is not used in its last minutes, so a request never starts with one about to expire.
TOKEN_RENEWAL_MARGIN = timedelta(minutes=5)


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
        self.clock = clock
        self.session = requests.Session()  # no retries: a token request is a POST

    def __repr__(self) -> str:
        return f"IamTokenAuth(domain_name={self.domain_name!r}, user_name={self.user_name!r})"

    @property
    def cache_key(self) -> str:
        """The same for every process that holds this identity and password, and for no one else."""
        bound = json.dumps([self.iam_endpoint, self.domain_name, self.user_name, self.project_id, self._password])
        return "modelarts-token:" + hmac.new(self._binding_key, bound.encode(), hashlib.sha256).hexdigest()

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[TOKEN_HEADER] = self.token()
        return request

    def renew(self) -> bool:
        self.store.delete(self.cache_key)
        return True

    def token(self) -> str:
        token = self.store.get(self.cache_key)
        if token:
            return token
        token, expires_at = self._issue_token()
        reusable_for = (expires_at - TOKEN_RENEWAL_MARGIN - self.clock()).total_seconds()
        if reusable_for > 0:
            self.store.set(self.cache_key, token, reusable_for)
        return token

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
        return AuthenticationFailed(
            f"IAM refused to issue a token: {message or response.reason}",
            code=code,
            http_status=response.status_code,
            advice=gettext_noop("Check the IAM domain (account) name, user name and password, and the project id."),
        )
    return error_for(response.status_code, code, message or f"IAM answered HTTP {response.status_code}.")
