"""What views ask of ModelArts, with a stored credential: build the client, call it, cache and store results.

This is the only place that hands Django things (settings, the cache) to the client. Everything that may
be asked for by many viewers at once goes through the shared cache with a lock, so concurrent requests
for one job, or one project's list, cost one upstream call, across processes when the cache is Redis.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop

from accounts.crypto import EncryptedStore, SecretMissing, SecretUnreadable
from accounts.models import Credential
from dashboard import __version__
from modelarts import regions
from modelarts.auth import IamTokenAuth, RenewableAuth, SignatureAuth
from modelarts.client import ModelArtsClient, RetryPolicy, VisualizationJob, new_session
from modelarts.errors import InvalidRequest, ModelArtsError
from modelarts.http import Timeouts

from .models import CachedJob, JobListRefresh
from .status import status_for

USER_AGENT = f"modelarts-dashboard/{__version__} python-requests/{requests.__version__}"
LIST_PAGE_SIZE = 1000  # the largest page the list endpoint accepts
FALLBACK_PAGE_SIZE = 100  # what older API versions accept
PAGE_SIZE_RETRY_AFTER = timedelta(days=1)  # how long a credential keeps the smaller page once refused
# ModelArts names the parameter it refuses ("Parameter per_page should be an integer [1,100], not '1000'").
PAGE_SIZE_REFUSAL = re.compile(r"per_?page|page[ _]?size", re.IGNORECASE)
MAX_LIST_PAGES = 1000  # a bound, in case ModelArts reports a nonsensical total
ERROR_CACHE_SECONDS = 1  # viewers arriving together share one failure too, but not for long
LOCK_POLL_SECONDS = 0.05
LOOKUP_LOCK_SECONDS = 1  # far longer than reading and writing a detail-lookup bucket, done under its lock
STATISTICS_CHANGE_ROWS = 1000  # a refresh that changes a list's size by this much updates the statistics

T = TypeVar("T")
logger = logging.getLogger(__name__)


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


def _token_binding_key() -> bytes:
    """The key that binds a cached IAM token to the password that earned it, and hides whose refusals are
    counted, derived from SECRET_KEY."""
    return salted_hmac("jobs.services.iam-token-binding", "iam-token-cache-key").digest()


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


@contextmanager
def cache_lock(key: str, seconds: float) -> Iterator[bool]:
    """Yields whether this caller holds the lock. It expires by itself, so a crashed holder cannot wedge it.

    A holder done well within the lock's lifetime still owns it and deletes it outright (one round trip
    fewer on every uncached page); one that ran long first checks that the lock is still its own, since it
    may have expired and been taken by someone else. A cache that drops keys early (eviction under memory
    pressure, culling) can break either way into a second holder: the cost is a duplicate upstream call.
    """
    token = secrets.token_hex(8)
    started = time.monotonic()
    acquired = cache.add(key, token, timeout=seconds)
    try:
        yield acquired
    finally:
        if acquired and (time.monotonic() - started < seconds / 2 or cache.get(key) == token):
            cache.delete(key)


def wait_for_unlock(key: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while cache.get(key) is not None and time.monotonic() < deadline:
        time.sleep(LOCK_POLL_SECONDS)


def _single_flight(key: str, compute: Callable[[], T], ttl: Callable[[T], float], wait_seconds: float) -> T:
    """One caller computes and caches; callers arriving meanwhile wait for its result (or its error)."""
    outcome = cache.get(key)
    if outcome is None:
        with cache_lock(f"{key}:lock", wait_seconds) as acquired:
            if acquired:
                outcome = _compute_outcome(compute, ttl, key)
        if outcome is None:
            wait_for_unlock(f"{key}:lock", wait_seconds)
            outcome = cache.get(key)
        if outcome is None:  # the holder gave up or its result already expired: do it ourselves
            outcome = _compute_outcome(compute, ttl, key)
    if isinstance(outcome, ModelArtsError):
        raise outcome
    return outcome


def _compute_outcome(compute: Callable[[], T], ttl: Callable[[T], float], key: str) -> T | ModelArtsError:
    try:
        outcome = compute()
    except ModelArtsError as error:
        cache.set(key, error, ERROR_CACHE_SECONDS)
        return error
    cache.set(key, outcome, ttl(outcome))
    return outcome


def _detail_ttl(job: VisualizationJob) -> float:
    if status_for(job.status).terminal:
        return settings.DETAIL_CACHE_TERMINAL_SECONDS
    return settings.DETAIL_CACHE_SECONDS


def get_job(credential: Credential, job_id: int) -> VisualizationJob:
    """A job's details, shared by every viewer using this credential for a few seconds.

    Raises ModelArtsError, crypto.SecretUnreadable, or LookupRateLimited when the credential's owner has
    used up their detail lookups (only a lookup of a job missing from the cached list that would call
    ModelArts counts; see take_detail_lookup). A fresh answer also updates the cached list row.
    """

    def fetch() -> VisualizationJob:
        if not CachedJob.objects.filter(credential=credential, job_id=job_id).exists():
            take_detail_lookup(credential.owner_id)
        job = client_for(credential).get_visualization_job(job_id)
        _update_cached_row(credential, job)
        return job

    wait = settings.MODELARTS_CONNECT_TIMEOUT + settings.MODELARTS_READ_TIMEOUT
    return _single_flight(f"job-detail:{credential.pk}:{credential.auth_version}:{job_id}", fetch, _detail_ttl, wait)


# Per-user limit on detail lookups that reach ModelArts


class LookupRateLimited(Exception):
    """The user asked ModelArts for too many job details lately; this lookup was not sent."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many job lookups; try again in {retry_after} s.")
        self.retry_after = retry_after  # whole seconds until a lookup is possible again


def take_detail_lookup(user_id: int) -> None:
    """Take one lookup from the user's token bucket, or raise LookupRateLimited.

    Job ids are free to make up, so without a bound one user (or one script with their API token) could
    send ModelArts a request per id as fast as the dashboard answers, on a credential and a quota that may
    be shared with others. So lookups of ids missing from the credential's cached list are charged, and so
    are connection tests; lookups of listed jobs are not: a running job's page polls every few seconds,
    and a few such tabs would otherwise use up the bucket. The bucket holds DETAIL_LOOKUP_BURST lookups
    and refills by DETAIL_LOOKUP_RATE a minute: a loop over made-up ids soon meets it.

    The bucket is one value in the shared cache, (tokens, when), so every worker and host draws from the
    same one. Reading and writing it is not atomic in Django's cache API (two workers could both take the
    last token), so a short lock (cache.add) makes the read-modify-write one step: four cache round trips
    in all (lock, read, write, unlock), on a path that is about to wait for ModelArts anyway. An atomic
    counter (cache.incr) would need one, but counts fixed windows, which let twice the rate through around
    each window's edge. What the lock trades: a caller that cannot get it within LOOKUP_LOCK_SECONDS (a
    holder died, or the user's lookups pile up) is told to try again in a second, rather than going ahead
    without a token, which would let a crowd of simultaneous lookups past the limit; a cache that loses
    the value (restart, eviction) hands out a full bucket again; hosts whose clocks disagree refill a
    little early or late. None of these lets anyone far beyond the limit for long.
    """
    key = f"detail-lookups:{user_id}"
    deadline = time.monotonic() + LOOKUP_LOCK_SECONDS
    while True:
        with cache_lock(f"{key}:lock", LOOKUP_LOCK_SECONDS) as acquired:
            if acquired:
                wait = _draw_token(key)
                break
        if time.monotonic() >= deadline:
            raise LookupRateLimited(1)
        time.sleep(LOCK_POLL_SECONDS)
    if wait:
        raise LookupRateLimited(max(1, math.ceil(wait)))


def _draw_token(key: str) -> float:
    """Seconds until a token is available; 0 after taking one. Call with the bucket's lock held."""
    burst = settings.DETAIL_LOOKUP_BURST
    per_second = settings.DETAIL_LOOKUP_RATE / 60
    now = time.time()
    tokens, then = cache.get(key) or (burst, now)
    tokens = min(burst, tokens + max(0.0, now - then) * per_second)
    if tokens < 1:
        return (1 - tokens) / per_second
    # A bucket left alone this long is full again, which is what a missing key means.
    cache.set(key, (tokens - 1, now), timeout=math.ceil(burst / per_second) + 1)
    return 0.0


def _update_cached_row(credential: Credential, job: VisualizationJob) -> None:
    CachedJob.objects.filter(credential=credential, job_id=job.job_id).update(**row_fields(job, timezone.now()))


def cached_job(credential: Credential, job_id: int) -> CachedJob | None:
    return CachedJob.objects.filter(credential=credential, job_id=job_id).first()


def check_connection(credential: Credential) -> ModelArtsError | None:
    """List one job with the stored secret; remember and return the failure, or None on success.

    Each test reaches ModelArts (and, for a password, IAM), so it takes a lookup from the owner's bucket
    like a detail lookup: raises LookupRateLimited, and tests nothing, when the owner has none left.
    """
    take_detail_lookup(credential.owner_id)
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


# Cached job lists


@dataclass(frozen=True)
class Explanation:
    """A failure told to a person: what happened, the upstream code and words, what to do next.

    ``title`` and ``advice`` are the English texts, which are also the translation catalog's keys: they are
    stored like that (a list's last failure) and translated when shown, in each viewer's own language.
    ``message`` is ModelArts' own words (or the transport failure), shown as they came.
    """

    title: str
    message: str
    advice: str

    @property
    def translated_title(self) -> str:
        return gettext(self.title) if self.title else ""

    @property
    def translated_advice(self) -> str:
        return gettext(self.advice) if self.advice else ""

    def __str__(self) -> str:
        message = "" if self.message == self.title else f" {self.message}"  # an error without words of its own
        return f"{self.translated_title}{message} — {self.translated_advice}"


def explain(error: ModelArtsError | SecretUnreadable) -> Explanation:
    if isinstance(error, SecretMissing):
        return Explanation(
            gettext_noop("No secret is stored for this credential."),
            str(error),
            gettext_noop("Enter the secret again on the credential's page."),
        )
    if isinstance(error, SecretUnreadable):
        return Explanation(
            gettext_noop("The stored secret cannot be read."),
            str(error),
            gettext_noop("Enter the secret again on the credential's page."),
        )
    return Explanation(error.title, str(error), error.advice)


@dataclass(frozen=True)
class Cooldown:
    """Why a refresh fetched nothing: the previous one finished less than REFRESH_COOLDOWN_SECONDS ago."""

    failed: bool  # the previous refresh failed (else it fetched the list)
    seconds_ago: int  # since the previous refresh finished
    seconds_left: int  # until a new one is possible


def describe_cooldown(cooldown: Cooldown) -> str:
    """Why a refresh fetched nothing, in the active language: translated on pages, English in commands."""
    if cooldown.failed:
        text = gettext(
            "not refreshed again; the last refresh failed %(ago)d s ago. A new refresh is possible in %(left)d s."
        )
    else:
        text = gettext(
            "not refreshed again; the list was fetched %(ago)d s ago. A new refresh is possible in %(left)d s."
        )
    return text % {"ago": cooldown.seconds_ago, "left": cooldown.seconds_left}


@dataclass(frozen=True)
class RefreshResult:
    fetched: bool = False  # this caller fetched the list (successfully or not)
    coalesced: bool = False  # another caller was already refreshing; this one did not call ModelArts
    cooldown: Cooldown | None = None  # the previous refresh finished moments ago; this one did not call ModelArts
    jobs: int = 0
    upstream_calls: int = 0
    seconds: float = 0.0
    error: Explanation | None = None


def list_state(credential: Credential) -> JobListRefresh | None:
    return JobListRefresh.objects.filter(credential=credential).first()


def fresh_list_states(credentials: list[Credential]) -> dict[int, JobListRefresh | None]:
    """Each credential's list state (one query for all), after refreshing the stale lists among them."""
    states: dict[int, JobListRefresh | None] = {
        state.credential_id: state for state in JobListRefresh.objects.filter(credential__in=credentials)
    }
    for credential in credentials:
        if ensure_fresh(credential, states.get(credential.pk)):
            states[credential.pk] = list_state(credential)
    return states


def is_stale(state: JobListRefresh | None, now: datetime) -> bool:
    return state is None or state.fetched_at is None or now - state.fetched_at > timedelta(seconds=settings.LIST_TTL)


def _recently_failed(state: JobListRefresh | None, now: datetime) -> bool:
    """After a failure, page views leave ModelArts alone for a while; "Refresh now" tries after the cooldown."""
    if state is None or not state.last_error or state.last_error_at is None:
        return False
    return now - state.last_error_at < timedelta(seconds=settings.LIST_RETRY_AFTER_FAILURE)


def ensure_fresh(credential: Credential, state: JobListRefresh | None) -> RefreshResult | None:
    """Refresh a stale list before a page reads it; None when it was fresh enough.

    A viewer who already has a list to look at does not wait for someone else's refresh.
    """
    now = timezone.now()
    if not is_stale(state, now) or _recently_failed(state, now):
        return None
    has_list = state is not None and state.fetched_at is not None
    return refresh_job_list(credential, force=False, wait=not has_list)


def cooldown(state: JobListRefresh | None, now: datetime) -> Cooldown | None:
    """Whether the previous refresh, successful or not, finished too recently for another one.

    A list of thousands of jobs costs one upstream call per page, and a refresh replaces every row: a
    user pressing "Refresh now" repeatedly, or a script posting it in a loop, would cost ModelArts and the
    database that much each time for a list that cannot have changed much. So no list is fetched twice
    within REFRESH_COOLDOWN_SECONDS, whoever asks.
    """
    if state is None or state.finished_at is None:
        return None
    elapsed = (now - state.finished_at).total_seconds()
    left = settings.REFRESH_COOLDOWN_SECONDS - elapsed
    if left <= 0:
        return None
    return Cooldown(failed=bool(state.last_error), seconds_ago=max(0, int(elapsed)), seconds_left=math.ceil(left))


def refresh_job_list(credential: Credential, *, force: bool = True, wait: bool = True) -> RefreshResult:
    """Fetch the project's whole list and replace the cached rows in one transaction.

    Concurrent refreshes of one credential share one upstream fetch: the others wait for it (``wait``)
    or return at once. A failed refresh keeps the previous list and records the error. ``force`` fetches
    a list that is not stale yet, but not one fetched moments ago (see ``cooldown``).
    """
    lock_key = f"job-list-refresh:{credential.pk}"
    with cache_lock(lock_key, settings.LIST_REFRESH_LOCK_SECONDS) as acquired:
        if acquired:  # decided under the lock, so a refresh that just finished elsewhere counts
            state, now = list_state(credential), timezone.now()
            if not force and not is_stale(state, now):
                return RefreshResult()  # someone refreshed while we were deciding
            too_soon = cooldown(state, now)
            if too_soon is not None:
                return RefreshResult(cooldown=too_soon)
            return _fetch_and_store(credential)
    if wait:
        wait_for_unlock(lock_key, settings.LIST_REFRESH_LOCK_SECONDS)
    return RefreshResult(coalesced=True)


def _fetch_and_store(credential: Credential) -> RefreshResult:
    started = time.monotonic()
    state, _ = JobListRefresh.objects.get_or_create(credential=credential)
    state.started_at = timezone.now()
    state.save(update_fields=["started_at"])
    fetcher = _ListFetcher(credential, _page_size_for(state, state.started_at))
    try:
        jobs = fetcher.fetch_all()
    except (ModelArtsError, SecretUnreadable) as error:
        explanation = explain(error)
        _record_failure(state, explanation, fetcher)
        return RefreshResult(fetched=True, upstream_calls=fetcher.calls, error=explanation)
    now = timezone.now()
    with transaction.atomic():
        replaced, _ = CachedJob.objects.filter(credential=credential).delete()
        CachedJob.objects.bulk_create(
            (CachedJob(credential=credential, job_id=job.job_id, **row_fields(job, now)) for job in jobs.values()),
            batch_size=1000,
        )
        state.fetched_at = state.finished_at = now
        state.total = fetcher.total
        state.job_count_limit = fetcher.job_count_limit
        state.quotas = fetcher.quotas
        state.upstream_calls = fetcher.calls
        _remember_page_size(state, fetcher, now)
        state.last_error = state.last_error_title = state.last_error_advice = ""
        state.last_error_at = None
        state.save()
    if abs(len(jobs) - replaced) >= STATISTICS_CHANGE_ROWS:
        _update_planner_statistics()
    return RefreshResult(fetched=True, jobs=len(jobs), upstream_calls=fetcher.calls, seconds=time.monotonic() - started)


def _update_planner_statistics() -> None:
    """PostgreSQL plans from table statistics, which autovacuum updates only a while after a list grew or
    shrank a lot. Until then the planner misjudges the list's size and may sort all of a long list for its
    first page instead of reading that page from the index in order. Analyzing samples a bounded number
    of rows, so it costs a fraction of the refresh."""
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:  # SKIP_LOCKED: a concurrent refresh's ANALYZE does the same
            cursor.execute(f"ANALYZE (SKIP_LOCKED) {connection.ops.quote_name(CachedJob._meta.db_table)}")
    except DatabaseError:  # the list is stored; slower plans until autovacuum are no reason to fail
        logger.warning("Could not update the planner statistics after a list refresh", exc_info=True)


def _record_failure(state: JobListRefresh, error: Explanation, fetcher: _ListFetcher) -> None:
    state.finished_at = state.last_error_at = timezone.now()
    state.last_error = error.message
    state.last_error_title = error.title[:200]
    state.last_error_advice = error.advice[:500]
    state.upstream_calls = fetcher.calls
    _remember_page_size(state, fetcher, state.finished_at)
    state.save(
        update_fields=[
            "finished_at",
            "last_error_at",
            "last_error",
            "last_error_title",
            "last_error_advice",
            "upstream_calls",
            "page_size",
            "page_size_fell_back_at",
        ]
    )


def _page_size_for(state: JobListRefresh, now: datetime) -> int:
    """The smaller page only for a while after ModelArts refused the larger one: a tenth of the page size
    is ten times the calls on every refresh, and the refusal may have come from an API version that has
    been upgraded since, or from a passing fault."""
    fell_back_at = state.page_size_fell_back_at
    if fell_back_at is not None and now - fell_back_at < PAGE_SIZE_RETRY_AFTER:
        return state.page_size
    return LIST_PAGE_SIZE


def _remember_page_size(state: JobListRefresh, fetcher: _ListFetcher, now: datetime) -> None:
    state.page_size = fetcher.page_size
    if fetcher.fell_back:
        state.page_size_fell_back_at = now
    elif fetcher.page_size == LIST_PAGE_SIZE:
        state.page_size_fell_back_at = None


class _ListFetcher:
    """Pages through the list with the largest page size ModelArts accepts, counting upstream calls."""

    def __init__(self, credential: Credential, page_size: int):
        self.credential = credential
        self.page_size = page_size
        self.fell_back = False  # ModelArts refused page_size, and the fetch went on with FALLBACK_PAGE_SIZE
        self.calls = 0
        self.total = 0
        self.job_count_limit: int | None = None
        self.quotas: int | None = None

    def fetch_all(self) -> dict[int, VisualizationJob]:
        client = client_for(self.credential)
        first = self._first_page(client)
        jobs = {job.job_id: job for job in first.jobs}
        pages = min(math.ceil(first.total / self.page_size), MAX_LIST_PAGES)
        for page in range(2, pages + 1):
            listing = self._page(client, page)
            jobs.update((job.job_id, job) for job in listing.jobs)
            if not listing.jobs:
                break
        return jobs

    def _first_page(self, client: ModelArtsClient):
        try:
            first = self._page(client, 1)
        except InvalidRequest as refusal:
            if self.page_size <= FALLBACK_PAGE_SIZE or not PAGE_SIZE_REFUSAL.search(refusal.message):
                raise  # any other invalid parameter would be refused with any page size
            self.page_size = FALLBACK_PAGE_SIZE  # an older API version: remember it for this credential
            self.fell_back = True
            first = self._page(client, 1)
        self.total, self.job_count_limit, self.quotas = first.total, first.job_count_limit, first.quotas
        return first

    def _page(self, client: ModelArtsClient, page: int):
        self.calls += 1
        # Sorted by id, so jobs created during the refresh land on the last page instead of shifting others.
        return client.list_visualization_jobs(page=page, per_page=self.page_size, sort_by="job_id", order="asc")


def row_fields(job: VisualizationJob, fetched_at: datetime) -> dict:
    status = status_for(job.status)
    return {
        "job_name": job.job_name[:255],
        "status": job.status,
        "status_group": status.group,
        "create_time": job.create_time,
        "duration_ms": job.duration_ms,
        "remaining_duration_ms": job.remaining_duration_ms,
        "job_desc": job.job_desc,
        "service_url": job.service_url,
        "train_url": job.train_url,
        "resource_id": job.resource_id[:255],
        "schedule": job.schedule,
        "fetched_at": fetched_at,
        "running_since": _running_since(status.group, job.duration_ms, fetched_at),
    }


def _running_since(group: str, duration_ms: int | None, fetched_at: datetime) -> datetime | None:
    if group != "running" or duration_ms is None or duration_ms < 0:
        return None
    try:
        return fetched_at - timedelta(milliseconds=duration_ms)
    except OverflowError:  # a duration longer than history: treat as unknown
        return None
