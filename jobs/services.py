"""What views ask of ModelArts, with a stored credential: build the client, call it, record the outcome.

This is the only place that hands Django things (settings, the cache for IAM tokens) to the client.
"""

from __future__ import annotations

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from dashboard import __version__

from .modelarts import regions
from .modelarts.auth import IamTokenAuth, RenewableAuth, SignatureAuth
from .modelarts.client import ModelArtsClient, RetryPolicy, VisualizationJob
from .modelarts.errors import ModelArtsError
from .modelarts.http import Timeouts
from .models import Credential

USER_AGENT = f"modelarts-dashboard/{__version__} python-requests/{requests.__version__}"


def _timeouts() -> Timeouts:
    return Timeouts(connect=settings.MODELARTS_CONNECT_TIMEOUT, read=settings.MODELARTS_READ_TIMEOUT)


def modelarts_endpoint(credential: Credential) -> str:
    return credential.modelarts_endpoint or regions.modelarts_endpoint(credential.region, settings.MODELARTS_ENDPOINT)


def iam_endpoint(credential: Credential) -> str:
    return credential.iam_endpoint or regions.iam_endpoint(credential.region, settings.IAM_ENDPOINT)


def _auth(credential: Credential) -> RenewableAuth:
    if credential.auth_kind == Credential.AuthKind.AKSK:
        return SignatureAuth(credential.access_key, credential.get_secret())
    return IamTokenAuth(
        iam_endpoint=iam_endpoint(credential),
        domain_name=credential.iam_domain,
        user_name=credential.iam_user,
        password=credential.get_secret(),
        project_id=credential.project_id,
        store=cache,
        timeouts=_timeouts(),
        user_agent=USER_AGENT,
    )


def client_for(credential: Credential) -> ModelArtsClient:
    """Raises crypto.SecretUnreadable when the stored secret cannot be decrypted."""
    return ModelArtsClient(
        endpoint=modelarts_endpoint(credential),
        project_id=credential.project_id,
        auth=_auth(credential),
        user_agent=USER_AGENT,
        timeouts=_timeouts(),
        retry=RetryPolicy(attempts=settings.MODELARTS_RETRIES + 1, backoff_seconds=settings.MODELARTS_RETRY_BACKOFF),
    )


def get_job(credential: Credential, job_id: int) -> VisualizationJob:
    return client_for(credential).get_visualization_job(job_id)


def check_connection(credential: Credential) -> ModelArtsError | None:
    """List one job with the stored secret; remember and return the failure, or None on success."""
    error = None
    try:
        client_for(credential).list_visualization_jobs(page=1, per_page=1)
    except ModelArtsError as exc:
        error = exc
    credential.last_checked_at = timezone.now()
    credential.last_check_ok = error is None
    credential.last_check_message = str(error)[:500] if error else ""
    credential.save(update_fields=["last_checked_at", "last_check_ok", "last_check_message"])
    return error
