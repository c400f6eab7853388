"""A ModelArts client for a stored credential: its endpoints, its authentication (IAM tokens shared through
the cache, bound to the password), pooled connections, and the connection test."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.crypto import EncryptedStore, SecretUnreadable
from accounts.models import Credential
from dashboard import __version__
from modelarts import regions
from modelarts.auth import IamTokenAuth, RenewableAuth, SignatureAuth
from modelarts.client import ModelArtsClient, RetryPolicy, new_session
from modelarts.errors import ModelArtsError
from modelarts.http import Timeouts

from .failures import Explanation, explain
from .lookup_limit import take_detail_lookup
from .upstream_limit import upstream_slot

USER_AGENT = f"modelarts-dashboard/{__version__} python-requests/{requests.__version__}"


def _timeouts() -> Timeouts:
    return Timeouts(connect=settings.MODELARTS_CONNECT_TIMEOUT, read=settings.MODELARTS_READ_TIMEOUT)


def _region_modelarts_endpoint(region: str) -> str:
    return regions.modelarts_endpoint(region, settings.MODELARTS_ENDPOINT)


def _region_iam_endpoint(region: str) -> str:
    return regions.iam_endpoint(region, settings.IAM_ENDPOINT)


def modelarts_endpoint(credential: Credential) -> str:
    return credential.modelarts_endpoint or _region_modelarts_endpoint(credential.region)


def iam_endpoint(credential: Credential) -> str:
    return credential.iam_endpoint or _region_iam_endpoint(credential.region)


@dataclass(frozen=True)
class Endpoint:
    service: str  # "ModelArts" or "IAM"
    url: str
    overridden: bool  # set by an administrator, and not the host the region table (or the operator) gives


def endpoints(credential: Credential) -> list[Endpoint]:
    """Where the credential's requests, and so its secret, go: shown to its owner before they type it, since
    staff may have pointed it elsewhere. The operator's templates count as the region's own: whoever sets
    them runs the dashboard, and holds its keys anyway."""
    pairs = [
        ("ModelArts", credential.modelarts_endpoint, _region_modelarts_endpoint(credential.region)),
        ("IAM", credential.iam_endpoint, _region_iam_endpoint(credential.region)),
    ]
    return [
        Endpoint(service, override or default, bool(override) and override.rstrip("/") != default)
        for service, override, default in pairs
    ]


def _auth(credential: Credential) -> RenewableAuth:
    if credential.auth_kind == Credential.AuthKind.AKSK:
        return SignatureAuth(credential.access_key, credential.get_secret())
    return _token_auth(credential)


def _token_auth(credential: Credential) -> IamTokenAuth:
    return IamTokenAuth(
        iam_endpoint=iam_endpoint(credential),
        domain_name=credential.iam_domain,
        user_name=credential.iam_user,
        password=credential.get_secret(),
        project_id=credential.project_id,
        store=EncryptedStore(cache),
        binding_key=_token_binding_key(),
        timeouts=_timeouts(),
        user_agent=USER_AGENT,
        max_response_bytes=settings.MODELARTS_MAX_RESPONSE_BYTES,
        refusals_before_pause=settings.IAM_REFUSALS_BEFORE_PAUSE,
        refusal_pause=timedelta(minutes=settings.IAM_REFUSAL_PAUSE_MINUTES),
    )


# Named after the module that first used it; changing it would orphan every cached IAM token and refusal count.
TOKEN_BINDING_SALT = "jobs.services.iam-token-binding"


def _token_binding_key() -> bytes:
    """The key that binds a cached IAM token to the password that earned it, and hides whose refusals are
    counted, derived from SECRET_KEY."""
    return salted_hmac(TOKEN_BINDING_SALT, "iam-token-cache-key").digest()


def forget_tokens(credential: Credential) -> None:
    """Drop the IAM token this credential's stored password earned, so that replacing or deleting the
    credential ends its use at once (someone else holding the same password would just fetch a new one)."""
    if credential.auth_kind != Credential.AuthKind.PASSWORD or not credential.has_secret:
        return
    try:
        _token_auth(credential).renew()
    except SecretUnreadable:  # nothing readable was stored, so no token can have been earned with it
        pass


def client_for(credential: Credential) -> ModelArtsClient:
    """Raises crypto.SecretUnreadable when the stored secret cannot be decrypted."""
    retry = RetryPolicy(attempts=settings.MODELARTS_RETRIES + 1, backoff_seconds=settings.MODELARTS_RETRY_BACKOFF)
    return ModelArtsClient(
        endpoint=modelarts_endpoint(credential),
        project_id=credential.project_id,
        auth=_auth(credential),
        user_agent=USER_AGENT,
        timeouts=_timeouts(),
        retry=retry,
        session=_pooled_session(retry),
        max_response_bytes=settings.MODELARTS_MAX_RESPONSE_BYTES,
    )


_pools = threading.local()


def _pooled_session(retry: RetryPolicy) -> requests.Session:
    """One connection pool per thread (requests sessions are not thread-safe), kept across requests, so
    calls to ModelArts reuse TLS connections instead of opening one per page view."""
    sessions = _pools.__dict__.setdefault("sessions", {})
    if retry not in sessions:
        sessions[retry] = new_session(USER_AGENT, retry)
    return sessions[retry]


def check_connection(credential: Credential) -> Explanation | None:
    """List one job with the stored secret; remember the outcome and return the failure, told for people, or
    None on success.

    Each test reaches ModelArts (and, for a password, IAM), so it takes a lookup from the owner's bucket
    like a detail lookup: raises LookupRateLimited, and tests nothing, when the owner has none left. It waits
    on ModelArts in the request, so it holds one of this process's upstream slots meanwhile: raises
    UpstreamBusy, and tests nothing (nor charges the bucket), when none is free.
    """
    failure = None
    with upstream_slot():
        take_detail_lookup(credential.owner_id)
        try:
            client_for(credential).list_visualization_jobs(page=1, per_page=1)
        except ModelArtsError as error:
            failure = explain(error)
    credential.last_checked_at = timezone.now()
    credential.last_check_ok = failure is None
    credential.last_check_message = failure.message[:500] if failure else ""
    credential.last_check_kind = failure.kind if failure else ""  # so the credentials page explains it later
    credential.last_check_code = failure.code[:100] if failure else ""
    credential.save(
        update_fields=["last_checked_at", "last_check_ok", "last_check_message", "last_check_kind", "last_check_code"]
    )
    return failure
