"""The JSON API's types: what its operations take and answer, and so its OpenAPI description (/api/schema).

Each answer is one of these schemas filled from the objects the pages use (a job, a list's refresh state):
resolvers say how a field is computed, so no field list is written twice. Enumerations come from the modules
that define them (status groups, sorts, page sizes), so the description cannot drift from what is accepted.
"""

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    WithJsonSchema,
    model_serializer,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from modelarts.client import MAX_INTEGER, MAX_JOB_ID

from .converters import ProjectIdConverter
from .listing import DEFAULT_PAGE_SIZE, DEFAULT_SORT, MAX_SEARCH, PAGE_SIZES, SORT_CHOICES, ApiListQueryForm, ListQuery
from .models import JobListRefresh
from .status import GROUPS, status_for

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _epoch_ms(moment: datetime | None) -> int | None:
    """Milliseconds since the epoch, as ModelArts and the old SDK give times; exact, no float rounding."""
    if moment is None:
        return None
    return ((moment - EPOCH) // timedelta(microseconds=1) + 500) // 1000


# A moment in UTC to the second, e.g. 2026-01-01T00:00:00Z.
Moment = Annotated[
    datetime, PlainSerializer(_iso, return_type=str), WithJsonSchema({"type": "string", "format": "date-time"})
]
Group = Literal[GROUPS]  # type: ignore[valid-type]
SORTS = tuple(value for value, _ in SORT_CHOICES)
Sort = Literal[SORTS]  # type: ignore[valid-type]
PageSize = Literal[PAGE_SIZES]  # type: ignore[valid-type]
JobNumber = Annotated[int, Field(ge=1, le=MAX_JOB_ID)]
StatusCode = Annotated[int, Field(ge=-MAX_INTEGER, le=MAX_INTEGER)]

# Path parameters (the URL converters let only these through).
ProjectId = Annotated[
    str,
    Path(
        pattern=f"^{ProjectIdConverter.regex}$", description="The ModelArts project id (you need a credential for it)."
    ),
]
JobId = Annotated[JobNumber, Path(description="The job's id in ModelArts.")]


def _milliseconds(description: str) -> Any:
    return Field(description=f"{description}, in milliseconds.")


class Job(Schema):
    """A visualization job: the fields of the old SDK's get_visualization_job_info, typed."""

    job_id: JobNumber
    job_name: str
    job_desc: str
    status: StatusCode = Field(
        description="ModelArts' status code (0-22 in its status table; other codes are reported as unknown)."
    )
    status_label: str = Field(description="The status in words, e.g. 'Running'.")
    status_group: Group = Field(description="What the status amounts to.")
    create_time: int | None = Field(description="Creation time in milliseconds since 1970-01-01T00:00:00Z.")
    duration: int | None = _milliseconds("How long the job has run")
    train_url: str = Field(description="The OBS path of the training logs.")
    service_url: str = Field(
        description="Where TensorBoard or MindInsight is served, as ModelArts reports it (unchecked)."
    )
    resource_id: str
    remaining_duration: int | None = _milliseconds("Time left before the job stops by itself")
    fetched_at: Moment = Field(
        description=(
            "When the dashboard got these fields from ModelArts (UTC): for a job's details, moments ago (they are "
            "shared for a few seconds), unless a notice says they are the cached list's; for a list's jobs, when "
            "the list, or since then the job's details, were fetched; after an action whose job could not be read "
            "back (notice details_unavailable), when ModelArts accepted the action."
        )
    )

    @staticmethod
    def resolve_status_label(job) -> str:
        return status_for(job.status).label

    @staticmethod
    def resolve_status_group(job) -> str:
        return status_for(job.status).group

    @staticmethod
    def resolve_create_time(job) -> int | None:
        return _epoch_ms(job.create_time)

    @staticmethod
    def resolve_duration(job) -> int | None:
        return job.duration_ms

    @staticmethod
    def resolve_remaining_duration(job) -> int | None:
        return job.remaining_duration_ms


class Notice(Schema):
    """Present only when the job's fields are not ModelArts' answer of just now. Code upstream_busy: ModelArts was
    not asked, because the server was already waiting on it for as many requests as it lets wait; the fields are
    those of the project's cached list, from fetched_at. Code details_unavailable: ModelArts accepted an action,
    but the job could not be read back just after; only job_id and what the action sets are known (status 9
    after a stop, 7 after a restart, the new job_desc, else 0 and empty fields)."""

    code: Literal["upstream_busy", "details_unavailable"]
    message: str
    fetched_at: Moment = Field(description="When the row was fetched, or when the action was accepted.")
    retry_after: int = Field(ge=1, description="Seconds until current details.")


class _Success(Schema):
    is_success: Literal[True]

    @staticmethod
    def resolve_is_success(job) -> bool:
        return True  # as the old SDK answered: failures are answers of their own


class JobDetail(Job, _Success):  # in this order, is_success comes first, as the old SDK put it
    """A job as ModelArts reported it just now, or, with a notice, as the cached list has it."""

    notice: Notice | None = None

    @model_serializer(mode="wrap")
    def _notice_only_when_given(self, serialize):
        """Scripts test for the key: an answer from ModelArts has none, rather than a null."""
        data = serialize(self)
        if self.notice is None:
            del data["notice"]
        return data


class RefreshError(Schema):
    """Why the last refresh failed; the list shown is the one from fetched_at."""

    title: str
    message: str
    advice: str
    at: Moment | None

    @staticmethod
    def from_state(state: JobListRefresh) -> "RefreshError | None":
        failure = state.last_failure
        if failure is None:
            return None
        return RefreshError(title=failure.title, message=failure.message, advice=failure.advice, at=state.last_error_at)


class Progress(Schema):
    pages_fetched: int = Field(ge=0)
    pages_expected: int | None = Field(description="Pages the list has; null until ModelArts answered.")


class Refresh(Schema):
    """What the background worker does with the list: a stale or never-fetched list is served as stored while a
    refresh is queued, and the next answers show its progress."""

    state: Literal["idle", "queued", "running"]
    queued_at: Moment | None = Field(
        description=(
            "When the refresh queued or running was queued, or is due if the periodic refresh scheduled it for "
            "later (UTC); null when idle. A claim left by a lost task is not reported."
        )
    )
    started_at: Moment | None = Field(description="When the refresh running, or else the last one, started (UTC).")
    progress: Progress
    last_error: RefreshError | None
    consecutive_failures: int = Field(ge=0, description="Refreshes failed in a row; 0 when the last one succeeded.")
    failing_since: Moment | None = Field(
        description="When the first of those failures happened (UTC); null when not failing."
    )
    next_try: Moment | None = Field(
        description=(
            "A failing list is refreshed automatically again only from this time on (UTC): LIST_TTL doubled after "
            "each failure in a row, at most an hour by default. Null when not failing."
        )
    )

    @staticmethod
    def resolve_state(state: JobListRefresh) -> str:
        return state.activity

    @staticmethod
    def resolve_queued_at(state: JobListRefresh) -> datetime | None:
        return state.queued_at if state.activity != "idle" else None

    @staticmethod
    def resolve_progress(state: JobListRefresh) -> Progress:
        return Progress(pages_fetched=state.pages_fetched, pages_expected=state.pages_expected)

    @staticmethod
    def resolve_last_error(state: JobListRefresh) -> RefreshError | None:
        return RefreshError.from_state(state)


class JobList(Schema):
    """One page of a project's cached list."""

    jobs: list[Job]
    page: int = Field(ge=1)
    per_page: PageSize
    pages: int = Field(ge=1)
    total: int = Field(ge=0, description="Jobs matching the filters.")
    fetched_at: Moment | None = Field(description="When the list was last fetched from ModelArts (UTC); null if never.")
    last_error: RefreshError | None
    refresh: Refresh


ERROR_CODES = (
    "unauthenticated, read_only_token, csrf_failed, actions_disabled, not_permitted, not_found, invalid_query, "
    "invalid_body, body_too_large, too_many_parameters, bad_request, method_not_allowed, not_allowed_in_status, "
    "quota_exceeded, rate_limited, upstream_busy, secret_missing, secret_unreadable, credential_malformed, "
    "list_unavailable, server_error; for other ModelArts failures its own code (e.g. ModelArts.0108, APIGW.0301) "
    "or, when it gave none, the kind of failure (e.g. upstream_timeout, connection_failed, busy, bad_response)."
)


class ErrorDetail(Schema):
    code: str = Field(description=ERROR_CODES)
    message: str = Field(description="What happened; for ModelArts failures its words.")
    title: str | None = Field(None, description="What happened, for people.")
    advice: str | None = Field(None, description="What to do about it.")
    request_id: str | None = Field(None, description="ModelArts' request id, for Huawei support.")
    modelarts_code: str | None = Field(None, description="ModelArts' error code verbatim, or empty.")
    retry_after: int | None = Field(None, description="For rate_limited and upstream_busy: seconds until a new try.")
    fields: dict[str, list[dict[str, str]]] | None = Field(
        None,
        description=(
            "For invalid_query and invalid_body: the errors of each query parameter or body field, each with a "
            "message and a code."
        ),
    )


class Error(Schema):
    """Every failure: a code for scripts and a message for people, with what else the code says it carries."""

    error: ErrorDetail = Field(description=f"Its code is one of: {ERROR_CODES}")


class ListParams(BaseModel):
    """The list page's query parameters, for scripts: any value this does not allow is a 400 naming the parameter.

    The page corrects a bad sort or page size and says so; a script has nobody to read a notice, so the API
    refuses instead. ApiListQueryForm judges the values, with the page's rules and messages (in the viewer's
    language); the fields, named as ListQuery's, type its result and describe it.
    """

    model_config = ConfigDict(validate_by_name=True)  # a plain model: ninja's Schema would wrap the data given

    search: str = Field(
        "", alias="q", max_length=MAX_SEARCH, description="Name substring (case-insensitive) or exact job id."
    )
    group: Group | Literal[""] = Field("", description="A status group; empty for any.")
    status: StatusCode | SkipJsonSchema[None] = Field(None, description="An exact status code.")
    long_running: bool = Field(
        False, description="true or false: only running jobs that ran longer than the threshold."
    )
    sort: Sort = Field(DEFAULT_SORT, description="; ".join(f"{value}: {label}" for value, label in SORT_CHOICES))
    per_page: PageSize = Field(DEFAULT_PAGE_SIZE, description="Jobs per page.")
    page: int = Field(1, ge=1, description="1-based; a page beyond the last gives the last page.")

    @model_validator(mode="before")
    @classmethod
    def _judged_by_the_list_form(cls, data: dict[str, str]) -> dict[str, Any]:
        form = ApiListQueryForm(data)
        if not form.is_valid():
            raise PydanticCustomError(
                "invalid_query", "Some query parameters are invalid.", {"fields": form.errors.get_json_data()}
            )
        return asdict(form.query())

    def query(self) -> ListQuery:
        return ListQuery(**self.model_dump())


# The create and edit bodies, with the old SDK's names; ModelArts' own limits, so nothing it would refuse as
# malformed is sent.
JOB_NAME_PATTERN = r"^[\w-]{1,20}$"
# Neither spaces nor control characters, spelt out: the schema's readers (JavaScript, Python, pydantic's Rust)
# each count a few different characters as spaces (\s).
_PATH_CHARACTER = r"[^/\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
TRAIN_URL_PATTERN = rf"^(obs:/)?/{_PATH_CHARACTER}+/({_PATH_CHARACTER}+/)*$"
MAX_DESCRIPTION = 256
MAX_AUTO_STOP_HOURS = 24
JobDescription = Annotated[
    str, Field(max_length=MAX_DESCRIPTION, description=f"The job's description, 0-{MAX_DESCRIPTION} characters.")
]


def _number_not_text(value: Any) -> Any:
    """JSON's integers, 2.0 included, but not "2" or true, which pydantic would take: a script sending them
    has a bug to be told of."""
    if isinstance(value, str | bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


Hours = Annotated[int, Field(ge=0, le=MAX_AUTO_STOP_HOURS), BeforeValidator(_number_not_text)]


class NewJob(Schema):
    """A visualization job to create, as the old SDK's create_visualization_job takes it."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not silently dropped

    job_name: str = Field(pattern=JOB_NAME_PATTERN, description="1-20 letters, digits, underscores (_) or hyphens (-).")
    train_url: str = Field(
        pattern=TRAIN_URL_PATTERN,
        max_length=1024,
        description="The OBS directory of the training logs, e.g. obs://bucket/logs/ or /bucket/logs/.",
    )
    job_type: Literal["tensorboard", "mindinsight"] = "tensorboard"
    job_desc: JobDescription = ""
    auto_stop_hours: Hours | None = Field(
        None,
        description=(
            f"Stop the job this many hours (1-{MAX_AUTO_STOP_HOURS}) after it starts. 0 is sent as it is: "
            "ModelArts' reference allows it without saying what it does (the dashboard's simulator never stops such "
            "a job). When omitted, no schedule is sent and ModelArts' default applies."
        ),
    )


class DescriptionChange(Schema):
    """A job's new description; nothing else of a job can be changed."""

    model_config = ConfigDict(extra="forbid")

    job_desc: JobDescription


class CreatedJob(Job, _Success):
    """A job ModelArts accepted to create: it starts in the background (its status says how far it got), and
    url is its page on the dashboard, which follows it."""

    url: str = Field(description="The job's page on the dashboard.")

    @staticmethod
    def resolve_url(job, context: dict) -> str:
        return context["url"]
