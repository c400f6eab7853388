"""The API gateway's credential checks and IAM's password login, as strict as the real ones.

The signature is verified from the request exactly as received (raw path, raw query, received headers,
body bytes) by ``simulator.signature``, the gateway's rules written independently of the dashboard's signer,
so a client that signs one request and sends another, or builds the canonical request wrongly, is refused
here as it would be by the real gateway.

Refusals (gateway errors carry ``request_id``; ModelArts errors carry ``is_success: false``):

- no ``Authorization`` and no ``X-Auth-Token``: 401 APIGW.0301 ("x-auth-token not found"), as Huawei's
  troubleshooting guide shows the gateway answering
- ``Authorization`` not of the form ``SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..``: 401 ModelArts.0206
- ``host`` or ``x-sdk-date`` not signed, a signed header absent, ``X-Sdk-Date`` missing or unparseable,
  unknown access key, wrong signature: 401 APIGW.0301
- ``X-Sdk-Date`` more than 15 minutes away from the simulator's clock: 401 APIGW.0303
- unknown token: 401 APIGW.0301 ("decrypt token fail"); expired token: 401 APIGW.0301 ("token expires")

When both a token and a signature are sent, the token is used.

IAM's password login is scoped to one project, named by id (``{"project": {"id": ...}}``) or by name within
the account's domain (``{"project": {"name": "cn-north-4", "domain": {"name": ...}}}``, or the domain's
``id``); its answer carries the token's project, user, ``roles`` and a ``catalog`` of endpoints.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TypeVar

from simulator.seed import Tenant
from simulator.signature import (
    DATE_FORMAT,
    DATE_HEADER,
    Authorization,
    canonical_request,
    expected_signature,
    parse_authorization,
)
from simulator.wire import Reply, Request, gateway_error, iam_error, json_reply, modelarts_error

MAX_CLOCK_SKEW_SECONDS = 15 * 60
IAM_FAILURE = "Incorrect IAM authentication information"

T = TypeVar("T")


@dataclass(frozen=True)
class IssuedToken:
    tenant: Tenant
    project_id: str
    issued_at: float
    expires_at: float


class TokenStore:
    """Tokens issued by IAM, each scoped to one project, valid until it expires."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, IssuedToken] = {}

    def issue(self, tenant: Tenant, project_id: str, now: float, ttl_seconds: float) -> tuple[str, IssuedToken]:
        # Opaque and long, like real IAM tokens (which are several kilobytes of signed CMS data).
        token = "MII" + base64.b64encode(secrets.token_bytes(768)).decode("ascii")
        issued = IssuedToken(tenant, project_id, issued_at=now, expires_at=now + ttl_seconds)
        with self._lock:
            self._tokens[token] = issued
        return token, issued

    def get(self, token: str) -> IssuedToken | None:
        with self._lock:
            return self._tokens.get(token)

    def issued(self) -> list[str]:
        with self._lock:
            return list(self._tokens)

    def expire_all(self, now: float) -> None:
        with self._lock:
            for token, issued in self._tokens.items():
                self._tokens[token] = replace(issued, expires_at=min(issued.expires_at, now))

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


def authenticate(
    request: Request, tenants: Iterable[Tenant], tokens: TokenStore, now: float
) -> tuple[str, ...] | Reply:
    """The project ids the request's credential reaches (a token: its one project; an AK/SK: every project
    of its account), or the gateway's refusal."""
    token = request.headers.get("x-auth-token")
    if token is not None:
        return _check_token(request, tokens.get(token), now)
    authorization = request.headers.get("authorization")
    if authorization is None:
        return _refused(request, "x-auth-token not found")
    fields = parse_authorization(authorization)
    if fields is None:
        return modelarts_error(401, "ModelArts.0206", "Authorization header is malformed.")
    return _check_signature(request, fields, tenants, now)


def _check_token(request: Request, issued: IssuedToken | None, now: float) -> tuple[str, ...] | Reply:
    if issued is None:
        return _refused(request, "decrypt token fail")
    if now >= issued.expires_at:
        return _refused(request, "token expires")
    return (issued.project_id,)


def _check_signature(
    request: Request, fields: Authorization, tenants: Iterable[Tenant], now: float
) -> tuple[str, ...] | Reply:
    refusal = _check_signed_headers(request, fields.signed_headers) or _check_date(request, now)
    if refusal is not None:
        return refusal
    tenant = next((tenant for tenant in tenants if tenant.access_key == fields.access_key), None)
    if tenant is None:
        return _refused(request, "access key not found")
    canonical = canonical_request(
        request.method, request.raw_path, request.raw_query, request.headers, fields.signed_headers, request.body
    )
    expected = expected_signature(tenant.secret_key, request.headers[DATE_HEADER], canonical)
    if not hmac.compare_digest(expected.encode(), fields.signature.encode("utf-8", "surrogateescape")):
        return _refused(request, "verify aksk signature fail")
    return tenant.project_ids


def _check_signed_headers(request: Request, signed_headers: tuple[str, ...]) -> Reply | None:
    """Host and date must be signed (else a signature could be replayed elsewhere or later)."""
    if "host" not in signed_headers or DATE_HEADER not in signed_headers:
        return _refused(request, "host and x-sdk-date must be signed")
    missing = [name for name in signed_headers if name not in request.headers]
    if missing:
        return _refused(request, f"signed header {missing[0]} is not in the request")
    return None


def _check_date(request: Request, now: float) -> Reply | None:
    try:
        sdk_date = datetime.strptime(request.headers[DATE_HEADER], DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return _refused(request, "X-Sdk-Date is not in the format YYYYMMDDTHHMMSSZ")
    if abs(sdk_date.timestamp() - now) > MAX_CLOCK_SKEW_SECONDS:
        message = f"{IAM_FAILURE}: request time is more than 15 minutes different from the server time"
        return gateway_error(401, "APIGW.0303", message, request.request_id)
    return None


def _refused(request: Request, reason: str) -> Reply:
    return gateway_error(401, "APIGW.0301", f"{IAM_FAILURE}: {reason}", request.request_id)


def issue_token(
    request: Request, tenants: Iterable[Tenant], tokens: TokenStore, now: float, ttl_seconds: float
) -> Reply:
    """IAM ``POST /v3/auth/tokens`` with the password method and a project scope."""
    try:
        login = _parse_password_login(request.json_body())
    except _InvalidField as invalid:
        return iam_error(400, f"Invalid input for field '{invalid}'.", "Bad Request")
    except ValueError:
        return iam_error(400, "The request body is not valid JSON.", "Bad Request")
    domain_name, user_name, password, scope = login
    tenant = next(
        (t for t in tenants if t.domain_name == domain_name and t.user_name == user_name),
        None,
    )
    if tenant is None or not hmac.compare_digest(tenant.password.encode(), password.encode()):
        return iam_error(401, "The username or password is wrong.", "Unauthorized")
    project_id = _scoped_project(tenant, scope)
    if project_id is None:
        return iam_error(401, "The request you have made requires authentication.", "Unauthorized")
    token, issued = tokens.issue(tenant, project_id, now, ttl_seconds)
    return json_reply(201, _token_body(issued), headers=(("X-Subject-Token", token),))


class _InvalidField(ValueError):
    """A field of the login body is missing or has the wrong type; the message is its path."""


@dataclass(frozen=True)
class _ProjectScope:
    """The project a login asks for: its id, or its name and its domain's name or id."""

    project_id: str | None = None
    name: str | None = None
    domain_name: str | None = None
    domain_id: str | None = None


def _parse_password_login(body: object) -> tuple[str, str, str, _ProjectScope]:
    """(domain name, user name, password, project scope) from the IAM password body, checked strictly."""
    identity = _field(body, "auth", "identity", kind=dict)
    if _field(identity, "methods", kind=list, path="auth.identity") != ["password"]:
        raise _InvalidField("auth.identity.methods")
    user = _field(identity, "password", "user", kind=dict, path="auth.identity")
    return (
        _field(user, "domain", "name", kind=str, path="auth.identity.password.user"),
        _field(user, "name", kind=str, path="auth.identity.password.user"),
        _field(user, "password", kind=str, path="auth.identity.password.user"),
        _parse_project_scope(_field(body, "auth", "scope", "project", kind=dict)),
    )


def _parse_project_scope(project: dict) -> _ProjectScope:
    path = "auth.scope.project"
    if "id" in project or "name" not in project:
        return _ProjectScope(project_id=_field(project, "id", kind=str, path=path))
    domain = _field(project, "domain", kind=dict, path=path)
    name = _field(project, "name", kind=str, path=path)
    if "id" in domain:
        return _ProjectScope(name=name, domain_id=_field(domain, "id", kind=str, path=f"{path}.domain"))
    return _ProjectScope(name=name, domain_name=_field(domain, "name", kind=str, path=f"{path}.domain"))


def _scoped_project(tenant: Tenant, scope: _ProjectScope) -> str | None:
    """The id of the tenant's project the scope names, if it names one of them."""
    if scope.project_id is not None:
        return scope.project_id if scope.project_id in tenant.project_ids else None
    if scope.domain_name not in (None, tenant.domain_name) or scope.domain_id not in (None, tenant.domain_id):
        return None
    return next((pid for pid in tenant.project_ids if tenant.project_name(pid) == scope.name), None)


def _field(value: object, *names: str, kind: type[T], path: str = "") -> T:
    for name in names:
        path = f"{path}.{name}" if path else name
        if not isinstance(value, dict) or name not in value:
            raise _InvalidField(path)
        value = value[name]
    if not isinstance(value, kind) or (kind is str and not value):
        raise _InvalidField(path)
    return value


def _token_body(issued: IssuedToken) -> dict[str, object]:
    tenant = issued.tenant
    domain = {"id": tenant.domain_id, "name": tenant.domain_name}
    project_name = tenant.project_name(issued.project_id)
    return {
        "token": {
            "expires_at": _iso(issued.expires_at),
            "issued_at": _iso(issued.issued_at),
            "methods": ["password"],
            "catalog": [_catalog_entry(tenant, service, kind) for service, kind in CATALOG_SERVICES],
            "roles": [{"id": _stable_id("role", role), "name": role} for role in ROLES],
            "project": {"id": issued.project_id, "name": project_name, "domain": domain},
            "user": {"id": tenant.user_id, "name": tenant.user_name, "domain": domain, "password_expires_at": ""},
        }
    }


# IAM lists every service of the region; the two this product speaks to stand for them.
CATALOG_SERVICES = (("modelarts", "modelarts"), ("iam", "identity"))
ROLES = ("te_admin",)  # the role of an account's administrators


def _catalog_entry(tenant: Tenant, service: str, kind: str) -> dict[str, object]:
    """One catalog service, its public endpoint as IAM lists it (the simulator itself answers in its place)."""
    endpoint = {
        "id": _stable_id("endpoint", service, tenant.region),
        "interface": "public",
        "region": tenant.region,
        "region_id": tenant.region,
        "url": f"https://{service}.{tenant.region}.myhuaweicloud.com" + ("/v3" if kind == "identity" else ""),
    }
    return {"id": _stable_id("service", service), "name": service, "type": kind, "endpoints": [endpoint]}


def _stable_id(*parts: str) -> str:
    """32 hex digits derived from names, shaped like IAM's ids, the same in every run."""
    return hashlib.sha256("/".join(parts).encode("utf-8")).hexdigest()[:32]


def _iso(timestamp: float) -> str:
    """IAM's timestamp format: ``2025-06-01T08:00:00.123000Z``."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
