"""The two ModelArts read APIs over a snapshot of one project's jobs.

Parameter errors are HTTP 400 ModelArts.0104 naming the parameter (ModelArts.0102 for a workspace other
than "0"). The list API names its error message ``error_msg``; the detail API names it ``error_message``,
as the two reference pages do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import overload

from simulator.seed import Job
from simulator.wire import Reply, json_reply, modelarts_error

SORT_KEYS = ("job_id", "job_name", "job_desc", "create_time", "status")
ORDERS = ("asc", "desc")
DEFAULT_PER_PAGE = 10
MAX_SEARCH_LENGTH = 64
DEFAULT_WORKSPACE = "0"
JOB_QUOTA = 1000  # jobs a project may hold: job_count_limit is what is left of it
RUNNING_QUOTA = 20  # "quotas": how many jobs may run at once


class InvalidParameter(Exception):
    def __init__(self, message: str, code: str = "ModelArts.0104") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ListQuery:
    status: int | None
    per_page: int
    page: int
    sort_key: str
    descending: bool
    search: str  # lower-cased


def parse_list_query(params: dict[str, str], max_per_page: int) -> ListQuery:
    """The list parameters, checked as strictly as the real API checks them; raises InvalidParameter."""
    workspace = params.get("workspace_id", DEFAULT_WORKSPACE)
    if workspace != DEFAULT_WORKSPACE:
        raise InvalidParameter(f"Workspace {workspace} does not exist.", code="ModelArts.0102")
    search = params.get("search_content", "")
    if len(search) > MAX_SEARCH_LENGTH:
        raise InvalidParameter(f"The length of search_content should be in [0,{MAX_SEARCH_LENGTH}].")
    return ListQuery(
        status=_integer(params, "status", default=None, low=0),
        per_page=_integer(params, "per_page", default=DEFAULT_PER_PAGE, low=1, high=max_per_page),
        page=_integer(params, "page", default=1, low=1),
        # The old SDK spelled it sort_by under password authentication.
        sort_key=_choice(params, "sortBy" if "sortBy" in params else "sort_by", SORT_KEYS),
        descending=_choice(params, "order", ORDERS) == "desc",
        search=search.lower(),
    )


def list_jobs(jobs: Sequence[Job], params: dict[str, str], max_per_page: int) -> Reply:
    """``GET /v1/{project_id}/visualization-jobs``."""
    try:
        query = parse_list_query(params, max_per_page)
    except InvalidParameter as invalid:
        return modelarts_error(400, invalid.code, str(invalid))
    matching = [job for job in jobs if _matches(job, query)]
    matching.sort(key=lambda job: _sort_value(job, query.sort_key), reverse=query.descending)
    start = (query.page - 1) * query.per_page
    return json_reply(
        200,
        {
            "is_success": True,
            "job_total_count": len(matching),
            "job_count_limit": max(0, JOB_QUOTA - len(jobs)),
            "quotas": RUNNING_QUOTA,
            "jobs": [job.render() for job in matching[start : start + query.per_page]],
        },
    )


def job_detail(find_job: Callable[[int], Job | None], raw_job_id: str) -> Reply:
    """``GET /v1/{project_id}/visualization-jobs/{job_id}``."""
    if not _is_number(raw_job_id):
        return modelarts_error(
            400, "ModelArts.0104", f"Parameter job_id should be a number, not {raw_job_id!r}.", "error_message"
        )
    job = find_job(int(raw_job_id))
    if job is None:
        return modelarts_error(
            404, "ModelArts.0104", f"Visualization job {raw_job_id} does not exist.", "error_message"
        )
    return json_reply(200, {"is_success": True, **job.render()})


def _is_number(value: str) -> bool:
    return value.isascii() and value.isdigit()


@overload
def _integer(params: dict[str, str], name: str, default: int, low: int, high: int | None = None) -> int: ...
@overload
def _integer(params: dict[str, str], name: str, default: None, low: int, high: int | None = None) -> int | None: ...
def _integer(params: dict[str, str], name: str, default: int | None, low: int, high: int | None = None) -> int | None:
    if name not in params:
        return default
    value = params[name]
    if not _is_number(value) or int(value) < low or (high is not None and int(value) > high):
        bounds = f"[{low},{high}]" if high is not None else f"at least {low}"
        raise InvalidParameter(f"Parameter {name} should be an integer {bounds}, not {value!r}.")
    return int(value)


def _choice(params: dict[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = params.get(name, allowed[0])
    if value not in allowed:
        raise InvalidParameter(f"Parameter {name} should be one of {', '.join(allowed)}, not {value!r}.")
    return value


def _matches(job: Job, query: ListQuery) -> bool:
    if query.status is not None and job.fields.get("status") != query.status:
        return False
    return query.search in str(job.fields.get("job_name", "")).lower()


def _sort_value(job: Job, key: str) -> tuple:
    """Numbers before strings before anything else (set_job may store odd types), then by job id."""
    value = job.fields.get(key, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value, "", job.job_id)
    if isinstance(value, str):
        return (1, 0, value, job.job_id)
    return (2, 0, str(value), job.job_id)
