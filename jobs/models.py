from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OrderBy
from django.db.models.functions import Lower
from django.utils import timezone

from .failures import Explanation, explain_stored

if TYPE_CHECKING:
    from accounts.models import Credential


class NullsLastIndex(models.Index):
    """An index whose NULLS LAST orderings SQLite can create too. PostgreSQL needs NULLS LAST said for a
    descending column to match an ORDER BY ... DESC NULLS LAST; SQLite refuses the words in CREATE INDEX,
    and needs none: NULL sorts before every value there, so a descending order already ends with them."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using, **kwargs)
        index = copy.copy(self)
        index.expressions = [_without_nulls_placement(expression) for expression in self.expressions]
        return super(NullsLastIndex, index).create_sql(model, schema_editor, using, **kwargs)


def _without_nulls_placement(expression):
    if isinstance(expression, OrderBy) and expression.descending and expression.nulls_last:
        return OrderBy(expression.expression, descending=True)
    return expression


MAX_BACKOFF_DOUBLINGS = 32  # beyond any cap in seconds; bounds the arithmetic for a list failing for years


def backoff_until(last_failed_at: datetime, failures: int, first_seconds: float, max_seconds: float) -> datetime:
    """When to try again after ``failures`` failures in a row, the last at ``last_failed_at``: ``first_seconds``
    after the first, doubled after each further one, never more than ``max_seconds``."""
    doubled = first_seconds * 2 ** min(failures - 1, MAX_BACKOFF_DOUBLINGS)
    return last_failed_at + timedelta(seconds=min(doubled, max_seconds))


# The list's default order (listing.py): newest first, jobs without a creation time last, then by id.
NEWEST_FIRST = (F("create_time").desc(nulls_last=True), F("job_id").desc())


class CachedJobQuerySet(models.QuerySet["CachedJob"]):
    def for_user(self, user) -> CachedJobQuerySet:
        """The rows of the user's own credentials, across their projects (the overview)."""
        return self.filter(credential__owner=user)

    def for_job(self, credential: Credential, job_id: int) -> CachedJobQuerySet:
        """One job's row in a credential's list: zero or one row (one_row_per_job)."""
        return self.filter(credential=credential, job_id=job_id)


class CachedJob(models.Model):
    """One job of a project's list as ModelArts last reported it, so list pages never wait on ModelArts."""

    credential = models.ForeignKey("accounts.Credential", on_delete=models.CASCADE, related_name="cached_jobs")
    job_id = models.BigIntegerField()
    job_name = models.CharField(max_length=255)
    status = models.IntegerField()
    status_group = models.CharField(max_length=16)  # from the status table, so filters run in the database
    create_time = models.DateTimeField(null=True)
    duration_ms = models.BigIntegerField(null=True)
    remaining_duration_ms = models.BigIntegerField(null=True)
    job_desc = models.TextField(blank=True)
    service_url = models.TextField(blank=True)
    train_url = models.TextField(blank=True)
    resource_id = models.CharField(max_length=255, blank=True)
    schedule = models.JSONField(null=True)
    fetched_at = models.DateTimeField()
    # For running jobs: fetched_at minus duration, so "running for more than N hours" is one indexed filter.
    running_since = models.DateTimeField(null=True)

    objects = CachedJobQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["credential", "job_id"], name="one_row_per_job")]
        # Who may stop, restart, edit and delete jobs from the dashboard (jobs/actions.py), granted in the admin,
        # usually to a group. On the model of the jobs the actions change, since it has no model of its own.
        permissions = [("operate_visualization_jobs", "Can operate visualization jobs")]
        # The default order straight from an index (overall and within a status group), so the first page
        # of a long list reads a page of index entries instead of sorting the whole list (docs/performance.md:
        # 12-19 ms to 0.1 ms for the first page of 10,000 jobs on PostgreSQL; list_10k_over_10_ratio 1.43 to
        # 1.37 and 1.12).
        indexes = [
            NullsLastIndex(F("credential"), *NEWEST_FIRST, name="cachedjob_newest"),
            NullsLastIndex(F("credential"), F("status_group"), *NEWEST_FIRST, name="cachedjob_group_newest"),
            models.Index(fields=["credential", "create_time"], name="cachedjob_created"),  # oldest first
            models.Index(F("credential"), Lower("job_name"), name="cachedjob_name"),
            models.Index(fields=["credential", "status"], name="cachedjob_status"),
            models.Index(fields=["credential", "duration_ms"], name="cachedjob_duration"),
            models.Index(fields=["credential", "status_group", "create_time"], name="cachedjob_group"),
            models.Index(fields=["credential", "running_since"], name="cachedjob_running_since"),
        ]

    def __str__(self) -> str:
        return f"{self.job_name} ({self.job_id})"


class JobListRefresh(models.Model):
    """The state of one credential's cached list: when it was fetched, what ModelArts said, what failed."""

    credential = models.OneToOneField("accounts.Credential", on_delete=models.CASCADE, related_name="list_refresh")
    fetched_at = models.DateTimeField(null=True)  # finish of the last successful refresh
    started_at = models.DateTimeField(null=True)  # start of the last attempt
    finished_at = models.DateTimeField(null=True)  # finish of the last attempt, successful or not
    total = models.BigIntegerField(null=True)
    job_count_limit = models.BigIntegerField(null=True)
    quotas = models.BigIntegerField(null=True)
    upstream_calls = models.IntegerField(default=0)
    page_size = models.IntegerField(default=1000)  # 100 once ModelArts refused 1000 for this credential
    page_size_fell_back_at = models.DateTimeField(null=True)  # when it last refused: 1000 is tried a day later
    last_error = models.TextField(blank=True)  # the error code and ModelArts' own words
    # What failed, not what people were told: the title and advice come from jobs.failures when shown, so a
    # changed wording applies to old failures too.
    last_error_kind = models.CharField(max_length=100, blank=True)  # the error's class name
    last_error_code = models.CharField(max_length=100, blank=True)  # ModelArts' error code, if it gave one
    last_error_at = models.DateTimeField(null=True)
    # A refresh on the task queue: set when one is queued, cleared when it ends (jobs.tasks). The row, not the
    # cache, marks it, because the web processes and the consumers share the database whatever the cache is.
    queued_at = models.DateTimeField(null=True)
    # Progress of the refresh running or last run: list pages fetched of the pages ModelArts' total implies.
    pages_fetched = models.IntegerField(default=0)
    pages_expected = models.IntegerField(null=True)  # unknown until the first page answered
    # Back-off: failed refreshes in a row, and when the first of them failed; a successful one clears both.
    consecutive_failures = models.IntegerField(default=0)
    failing_since = models.DateTimeField(null=True)
    # When a page or the JSON list last showed the list (to within VIEW_RECORD_INTERVAL): the periodic task
    # keeps only lists viewed in the last KEEP_FRESH_DAYS fresh.
    last_viewed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"Job list of {self.credential}"

    @property
    def activity(self) -> str:
        """``running`` while a refresh fetches the list, ``queued`` while one waits for a consumer, else ``idle``.

        A refresh that started LIST_REFRESH_LOCK_SECONDS ago and never finished, or a claim older than
        LIST_REFRESH_QUEUED_SECONDS, died with its process: neither is said to go on.
        """
        now = timezone.now()
        started, finished = self.started_at, self.finished_at
        if started is not None and (finished is None or finished < started):
            if now - started < timedelta(seconds=settings.LIST_REFRESH_LOCK_SECONDS):
                return "running"
        queued = self.queued_at
        if queued is not None and (started is None or started < queued):
            if now - queued < timedelta(seconds=settings.LIST_REFRESH_QUEUED_SECONDS):
                return "queued"
        return "idle"

    @property
    def first_fetch(self) -> bool:
        """Never fetched, and a refresh is queued or running: the page says the list is coming, not that it is empty."""
        return self.fetched_at is None and self.activity != "idle"

    @property
    def unavailable(self) -> bool:
        """Never fetched, and the last try failed: there is no list to show, only the error."""
        return self.fetched_at is None and bool(self.last_error)

    @property
    def next_try(self) -> datetime | None:
        """The earliest automatic refresh after failures in a row, or None when the last refresh succeeded.

        A failing credential is not asked again on every view: each failure doubles the wait, from LIST_TTL up
        to LIST_BACKOFF_MAX_SECONDS, so a list that has failed all night costs ModelArts a call an hour.
        "Refresh now" does not wait for it (only for the cooldown).
        """
        if self.consecutive_failures <= 0 or self.last_error_at is None:
            return None
        return backoff_until(
            self.last_error_at, self.consecutive_failures, settings.LIST_TTL, settings.LIST_BACKOFF_MAX_SECONDS
        )

    @property
    def last_failure(self) -> Explanation | None:
        """The last refresh's failure as people are told it, or None when it succeeded."""
        if not self.last_error:
            return None
        return explain_stored(self.last_error_kind, self.last_error_code, self.last_error)


class JobCreation(models.Model):
    """One "New job" form, by the one-time token it was served with: a form sent twice (a double click, a
    reload of the POST, two tabs) creates one job, the second sending landing on the job the first created.

    In the database, with the token unique, because the two sendings may reach two processes: whichever
    inserts the row first asks ModelArts, the other finds the row. ``job_id`` is set once ModelArts accepted;
    a refused creation deletes its row, so the form can be corrected and sent again with the same token.
    """

    token = models.UUIDField(unique=True)
    credential = models.ForeignKey("accounts.Credential", on_delete=models.CASCADE, related_name="+")
    job_id = models.BigIntegerField(null=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.token} → {self.job_id}"


class WorkerHeartbeat(models.Model):
    """A task-queue consumer was alive at ``seen_at``: pages warn when none has been for a while (jobs.heartbeat).

    In the database, because the web processes cannot see a consumer's local-memory cache; one row per consumer
    process, rewritten in place, and pruned once it has been silent for long.
    """

    host = models.CharField(max_length=255)
    pid = models.IntegerField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["host", "pid"], name="one_heartbeat_per_consumer")]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


class AutoStopPolicy(models.Model):
    """A project's "stop visualization jobs running longer than ``hours``", set by the credential's owner and
    enforced by the worker with that credential (jobs/policies.py). No row: the project has no policy."""

    MIN_HOURS = 1
    MAX_HOURS = 168  # a week

    credential = models.OneToOneField("accounts.Credential", on_delete=models.CASCADE, related_name="auto_stop")
    hours = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_HOURS), MaxValueValidator(MAX_HOURS)],
    )
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Auto-stop after {self.hours} h for {self.credential}"


class AutoStopFailure(models.Model):
    """A job the policy failed to stop (or to check before stopping): tried again after a back-off that
    doubles with each failure in a row, and shown on the policy's page and the overview until it succeeds or
    the job no longer needs stopping."""

    policy = models.ForeignKey(AutoStopPolicy, on_delete=models.CASCADE, related_name="failures")
    job_id = models.BigIntegerField()
    job_name = models.CharField(max_length=255, blank=True)
    consecutive_failures = models.IntegerField(default=0)
    failing_since = models.DateTimeField()
    last_error = models.TextField(blank=True)  # the error code and ModelArts' own words
    last_error_kind = models.CharField(max_length=100, blank=True)  # as JobListRefresh keeps them
    last_error_code = models.CharField(max_length=100, blank=True)
    last_error_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "job_id"], name="one_auto_stop_failure_per_job")]
        ordering = ["-last_error_at"]

    def __str__(self) -> str:
        return f"{self.job_name} ({self.job_id}): {self.consecutive_failures} failures"

    @property
    def next_try(self) -> datetime:
        """AUTO_STOP_RETRY_SECONDS after the first failure, doubled after each further one, at most
        AUTO_STOP_BACKOFF_MAX_SECONDS: a job ModelArts keeps refusing to stop costs a call an hour, not one a run."""
        return backoff_until(
            self.last_error_at,
            self.consecutive_failures,
            settings.AUTO_STOP_RETRY_SECONDS,
            settings.AUTO_STOP_BACKOFF_MAX_SECONDS,
        )

    @property
    def last_failure(self) -> Explanation:
        return explain_stored(self.last_error_kind, self.last_error_code, self.last_error)
