"""Cached job lists: refreshing a project's whole list into the database, coalesced, cooled down and
recorded, and the rows pages read."""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.crypto import SecretUnreadable
from accounts.models import Credential
from modelarts.client import ModelArtsClient, VisualizationJob
from modelarts.errors import InvalidRequest, ModelArtsError

from .clients import client_for
from .failures import Explanation, RefreshTimeLimitExceeded, explain
from .locks import cache_lock, wait_for_unlock
from .models import CachedJob, JobListRefresh
from .status import status_for

LIST_PAGE_SIZE = 1000  # the largest page the list endpoint accepts
FALLBACK_PAGE_SIZE = 100  # what older API versions accept
PAGE_SIZE_RETRY_AFTER = timedelta(days=1)  # how long a credential keeps the smaller page once refused
# ModelArts names the parameter it refuses ("Parameter per_page should be an integer [1,100], not '1000'").
PAGE_SIZE_REFUSAL = re.compile(r"per_?page|page[ _]?size", re.IGNORECASE)
VIEW_RECORD_INTERVAL = timedelta(minutes=10)  # how precisely a list's last view is known (KEEP_FRESH_DAYS)
MAX_LIST_PAGES = 1000  # a bound, in case ModelArts reports a nonsensical total
STATISTICS_CHANGE_ROWS = 1000  # a refresh that changes a list's size by this much updates the statistics
logger = logging.getLogger(__name__)
# What a refresh writes when it ends: everything but the queue's claim (jobs.tasks) and the time the list was
# last viewed, which viewers may set meanwhile.
OUTCOME_FIELDS = [
    field.name
    for field in JobListRefresh._meta.concrete_fields
    if field.name not in ("id", "credential", "queued_at", "last_viewed_at")
]


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


def list_states(credentials: list[Credential]) -> dict[int, JobListRefresh | None]:
    """Each credential's list state as stored, one query for all."""
    return {state.credential_id: state for state in JobListRefresh.objects.filter(credential__in=credentials)}


def record_views(states: dict[int, JobListRefresh | None], now: datetime) -> None:
    """Records that the lists were viewed, for the periodic task (jobs.tasks.lists_to_keep_fresh): only those
    last recorded VIEW_RECORD_INTERVAL ago or more, in one UPDATE, so most views write nothing."""
    due = [
        credential_id
        for credential_id, state in states.items()
        if state is not None and (state.last_viewed_at is None or now - state.last_viewed_at >= VIEW_RECORD_INTERVAL)
    ]
    if due:
        JobListRefresh.objects.filter(credential_id__in=due).update(last_viewed_at=now)


def is_stale(state: JobListRefresh | None, now: datetime) -> bool:
    return state is None or state.fetched_at is None or now - state.fetched_at > timedelta(seconds=settings.LIST_TTL)


def needs_refresh(state: JobListRefresh | None, now: datetime) -> bool:
    """Whether an automatic refresh (a page view's, the periodic task's) is due: the list is stale, and a list
    that keeps failing has waited out its back-off (JobListRefresh.next_try; "Refresh now" does not wait)."""
    if not is_stale(state, now):
        return False
    next_try = state.next_try if state is not None else None
    return next_try is None or now >= next_try


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
    state.pages_fetched, state.pages_expected = 0, None
    state.save(update_fields=["started_at", "pages_fetched", "pages_expected"])
    fetcher = _ListFetcher(credential, _page_size_for(state, state.started_at), _progress_recorder(state))
    try:
        jobs = fetcher.fetch_all(deadline=started + settings.LIST_REFRESH_TIME_LIMIT)
    except (ModelArtsError, SecretUnreadable, RefreshTimeLimitExceeded) as error:
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
        state.last_error = state.last_error_kind = state.last_error_code = ""
        state.last_error_at = state.failing_since = None
        state.consecutive_failures = 0
        state.save(update_fields=OUTCOME_FIELDS)
    if abs(len(jobs) - replaced) >= STATISTICS_CHANGE_ROWS:
        _update_planner_statistics()
    return RefreshResult(fetched=True, jobs=len(jobs), upstream_calls=fetcher.calls, seconds=time.monotonic() - started)


def _progress_recorder(state: JobListRefresh) -> Callable[[int, int], None]:
    """Records each page fetched, so pages can say how far a long refresh has got while it runs."""

    def record(fetched: int, expected: int) -> None:
        state.pages_fetched, state.pages_expected = fetched, expected
        JobListRefresh.objects.filter(pk=state.pk).update(pages_fetched=fetched, pages_expected=expected)

    return record


def _update_planner_statistics() -> None:
    """PostgreSQL plans from table statistics, which autovacuum updates only a while after a list grew or
    shrank a lot. Until then the planner misjudges the list's size and may sort all of a long list for its
    first page instead of reading that page from the index in order. Analyzing samples a bounded number
    of rows, so it costs a fraction of the refresh. (docs/performance.md: with the newest-first indexes,
    12-19 ms to 0.1 ms for the first page of 10,000 jobs.)"""
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:  # SKIP_LOCKED: a concurrent refresh's ANALYZE does the same
            cursor.execute(f"ANALYZE (SKIP_LOCKED) {connection.ops.quote_name(CachedJob._meta.db_table)}")
    except DatabaseError:  # the list is stored; slower plans until autovacuum are no reason to fail
        logger.warning("Could not update the planner statistics after a list refresh", exc_info=True)


def _record_failure(state: JobListRefresh, error: Explanation, fetcher: _ListFetcher) -> None:
    """Keeps the previous list, and counts the failure towards the back-off (JobListRefresh.next_try)."""
    state.finished_at = state.last_error_at = timezone.now()
    state.consecutive_failures += 1
    state.failing_since = state.failing_since or state.finished_at
    state.last_error = error.message
    state.last_error_kind = error.kind
    state.last_error_code = error.code[:100]
    state.upstream_calls = fetcher.calls
    _remember_page_size(state, fetcher, state.finished_at)
    state.save(
        update_fields=[
            "finished_at",
            "last_error_at",
            "last_error",
            "last_error_kind",
            "last_error_code",
            "consecutive_failures",
            "failing_since",
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

    def __init__(self, credential: Credential, page_size: int, on_page: Callable[[int, int], None]):
        self.credential = credential
        self.page_size = page_size
        self.on_page = on_page  # called with (pages fetched, pages expected) after each page
        self.fell_back = False  # ModelArts refused page_size, and the fetch went on with FALLBACK_PAGE_SIZE
        self.calls = 0
        self.total = 0
        self.job_count_limit: int | None = None
        self.quotas: int | None = None

    def fetch_all(self, deadline: float) -> dict[int, VisualizationJob]:
        """Every page, unless time.monotonic() passes ``deadline`` (LIST_REFRESH_TIME_LIMIT): then it stops
        between pages, as a refresh running past its lock's expiry could be joined by a second one."""
        client = client_for(self.credential)
        first = self._first_page(client)
        jobs = {job.job_id: job for job in first.jobs}
        pages = max(min(math.ceil(first.total / self.page_size), MAX_LIST_PAGES), 1)
        self.on_page(1, pages)
        for page in range(2, pages + 1):
            if time.monotonic() >= deadline:
                raise RefreshTimeLimitExceeded(
                    f"Stopped after {page - 1} of {pages} pages: a refresh may take "
                    f"{settings.LIST_REFRESH_TIME_LIMIT} s (LIST_REFRESH_TIME_LIMIT)."
                )
            listing = self._page(client, page)
            jobs.update((job.job_id, job) for job in listing.jobs)
            self.on_page(page, pages)
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
