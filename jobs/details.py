"""A job's details, shared for a few seconds by every viewer using the same credential (single flight)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Credential
from modelarts.client import VisualizationJob
from modelarts.errors import ModelArtsError

from .clients import client_for
from .locks import cache_lock, wait_for_unlock
from .lookup_limit import take_detail_lookup
from .models import CachedJob
from .refresh import row_fields
from .status import status_for
from .upstream_limit import upstream_slot

# Part of every detail key: the cache holds pickled jobs and errors, which a release that moves or reshapes
# their classes could not read back. Bump it with such a change.
DETAIL_FORMAT = 3
ERROR_CACHE_SECONDS = 1  # viewers arriving together share one failure too, but not for long
T = TypeVar("T")


def _single_flight(key: str, compute: Callable[[], T], ttl: Callable[[T], float], wait_seconds: float) -> T:
    """One caller computes and caches; callers arriving meanwhile wait for its result (or its error).

    A cached result costs nothing. A miss waits on ModelArts, through its own call or another caller's, so it
    holds one of this process's upstream slots meanwhile: raises UpstreamBusy, at once, when none is free.
    """
    outcome = cache.get(key)
    if outcome is None:
        with upstream_slot():
            outcome = _fetch_once(key, compute, ttl, wait_seconds)
    if isinstance(outcome, ModelArtsError):
        raise outcome
    return outcome


def _fetch_once(
    key: str, compute: Callable[[], T], ttl: Callable[[T], float], wait_seconds: float
) -> T | ModelArtsError:
    """The single flight itself: compute under the lock, or wait for whoever holds it and take their result."""
    with cache_lock(f"{key}:lock", wait_seconds) as acquired:
        if acquired:
            # A holder may have stored the result and let go between our miss and our lock: take it rather than
            # ask ModelArts again. 100 viewers of a job whose details live 1 s: 31 calls in 30 s with this look,
            # 34-35 without (docs/performance.md, run E).
            done = cache.get(key)
            if done is not None:
                return done
            return _compute_outcome(compute, ttl, key)
    wait_for_unlock(f"{key}:lock", wait_seconds)
    outcome = cache.get(key)
    if outcome is None:  # the holder gave up or its result already expired: do it ourselves
        outcome = _compute_outcome(compute, ttl, key)
    return outcome


def _compute_outcome(compute: Callable[[], T], ttl: Callable[[T], float], key: str) -> T | ModelArtsError:
    try:
        outcome = compute()
    except ModelArtsError as error:
        cache.set(key, error, ERROR_CACHE_SECONDS)
        return error
    cache.set(key, outcome, ttl(outcome))
    return outcome


@dataclass(frozen=True, kw_only=True)
class FetchedJob(VisualizationJob):
    """A job as ModelArts answered, and when: pages and the API say how fresh what they show is, as they do for
    a cached list row (CachedJob.fetched_at), which is why the field has the row's name."""

    fetched_at: datetime

    @classmethod
    def of(cls, job: VisualizationJob, fetched_at: datetime) -> FetchedJob:
        return cls(**{field.name: getattr(job, field.name) for field in fields(job)}, fetched_at=fetched_at)


def _detail_ttl(job: VisualizationJob) -> float:
    if status_for(job.status).terminal:
        return settings.DETAIL_CACHE_TERMINAL_SECONDS
    return settings.DETAIL_CACHE_SECONDS


def get_job(credential: Credential, job_id: int) -> FetchedJob:
    """A job's details, shared by every viewer using this credential for a few seconds.

    Raises ModelArtsError, crypto.SecretUnreadable, LookupRateLimited when the credential's owner has
    used up their detail lookups (only a lookup of a job missing from the cached list that would call
    ModelArts counts; see take_detail_lookup), or UpstreamBusy when this process already has as many
    requests waiting on ModelArts as it lets wait (then nothing is charged). A fresh answer also updates the
    cached list row. Shared details keep the time ModelArts answered (fetched_at), not the time they are read.
    """

    def fetch() -> FetchedJob:
        if not CachedJob.objects.for_job(credential, job_id).exists():
            take_detail_lookup(credential.owner_id)
        job = FetchedJob.of(client_for(credential).get_visualization_job(job_id), timezone.now())
        _update_cached_row(credential, job)
        return job

    wait = settings.MODELARTS_CONNECT_TIMEOUT + settings.MODELARTS_READ_TIMEOUT
    return _single_flight(detail_key(credential, job_id), fetch, _detail_ttl, wait)


def detail_key(credential: Credential, job_id: int) -> str:
    """Where the job's shared details are cached: per credential and its auth version, so a changed secret
    never reuses what the old one fetched."""
    return f"job-detail:{DETAIL_FORMAT}:{credential.pk}:{credential.auth_version}:{job_id}"


def forget_job(credential: Credential, job_id: int) -> None:
    """Drop the job's shared details, so the next viewer asks ModelArts (after an action changed the job)."""
    cache.delete(detail_key(credential, job_id))


def known_job(credential: Credential, job_id: int) -> VisualizationJob | CachedJob | None:
    """What the dashboard already knows of the job, without asking anyone: its shared details, else its row."""
    shared = cache.get(detail_key(credential, job_id))
    if isinstance(shared, VisualizationJob):
        return shared
    return cached_job(credential, job_id)


def _update_cached_row(credential: Credential, job: FetchedJob) -> None:
    CachedJob.objects.for_job(credential, job.job_id).update(**row_fields(job, job.fetched_at))


def cached_job(credential: Credential, job_id: int) -> CachedJob | None:
    return CachedJob.objects.for_job(credential, job_id).first()
