"""The ModelArts visualization-job APIs over one project's jobs: list and detail, and the five writes.

Errors carry ``is_success: false``, ``error_code`` and ``error_message``, the field the visualization-job
reference pages name (the gateway's own errors say ``error_msg``). Parameter errors are HTTP 400
ModelArts.0104 naming the parameter (ModelArts.0102 for a workspace other than "0"; ModelArts.0101 for a
body that is not a JSON object); an unknown job is 404 ModelArts.0104.

The writes check their bodies as strictly as the reference documents them: ``job_name`` 1-20 letters,
digits, ``_`` or ``-`` (``Illegal name: ...``), ``job_desc`` 0-256 characters, ``train_url`` an OBS
directory (``obs://bucket/path/`` or ``/bucket/path/``), ``job_type`` tensorboard or mindinsight, an
optional ``flavor`` ``{"code": ...}`` and an optional auto-stop ``schedule`` (object or one-element array,
``type`` "stop", ``time_unit`` or ``timeUnit`` "HOURS", ``duration`` 0-24). A write the job's status does not
allow is 400 ModelArts.0105 in ModelArts' words; creating beyond ``job_count_limit``, or creating or
restarting beyond ``quotas`` active jobs, is 400 ModelArts.0116. What a write sets in motion is
``simulator.lifecycle``'s business; a created job is shown in the list sample's form (numbers as strings in
the create answer, the ``schedule`` as a one-element array with ``timeUnit``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, overload

from simulator import lifecycle
from simulator.seed import HOUR_MS, Job, visualization_url
from simulator.wire import Reply, Request, json_reply, modelarts_error

SORT_KEYS = ("job_id", "job_name", "job_desc", "create_time", "status")
ORDERS = ("asc", "desc")
DEFAULT_PER_PAGE = 10
MAX_SEARCH_LENGTH = 64
DEFAULT_WORKSPACE = "0"
JOB_QUOTA = 1000  # jobs a project may hold: job_count_limit is what is left of it
JOB_NAME = re.compile(r"[\w-]{1,20}")  # letters (Chinese ones too, as seeded names show), digits, "_" and "-"
MAX_DESCRIPTION_LENGTH = 256
JOB_TYPES = ("tensorboard", "mindinsight")
TRAIN_URL = re.compile(r"(?:obs:/)?/[^/\s]+/\S*")
MAX_AUTOSTOP_HOURS = 24
MESSAGE_FIELD = "error_message"


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


def list_jobs(jobs: Sequence[Job], params: dict[str, str], max_per_page: int, running_quota: int, now: float) -> Reply:
    """``GET /v1/{project_id}/visualization-jobs``, the running jobs' durations counted to ``now``."""
    try:
        query = parse_list_query(params, max_per_page)
    except InvalidParameter as invalid:
        return _error(400, invalid.code, str(invalid))
    matching = [job for job in jobs if _matches(job, query)]
    matching.sort(key=lambda job: _sort_value(job, query.sort_key), reverse=query.descending)
    start = (query.page - 1) * query.per_page
    return json_reply(
        200,
        {
            "is_success": True,
            "job_total_count": len(matching),
            "job_count_limit": job_count_limit(len(jobs)),
            "quotas": running_quota,
            "jobs": [lifecycle.as_of(job, now).render() for job in matching[start : start + query.per_page]],
        },
    )


def job_count_limit(job_count: int) -> int:
    return max(0, JOB_QUOTA - job_count)


def job_detail(find_job: Callable[[int], Job | None], raw_job_id: str, now: float) -> Reply:
    """``GET /v1/{project_id}/visualization-jobs/{job_id}``, a running job's duration counted to ``now``."""
    found = _find(find_job, raw_job_id)
    if isinstance(found, Reply):
        return found
    return json_reply(200, {"is_success": True, **lifecycle.as_of(found, now).render()})


@dataclass(frozen=True)
class Project:
    """What a write needs besides the project's jobs: where it is, the time, the pace and the quota."""

    project_id: str
    region: str
    now: float  # the simulator's clock, in seconds
    pace_seconds: float
    running_quota: int
    new_job_id: int  # the id a job created now gets

    def service_url(self, job: Job) -> str:
        return visualization_url(self.region, job.job_type, self.project_id, job.job_id)


SUCCESS = {"is_success": True}


def create_job(jobs: dict[int, Job], request: Request, project: Project) -> Reply:
    """``POST /v1/{project_id}/visualization-jobs``: the job exists at once, in status 1."""
    try:
        job = _new_job(_object_body(request), project)
    except InvalidParameter as invalid:
        return _error(400, invalid.code, str(invalid))
    if job_count_limit(len(jobs)) <= 0:
        return _over_quota("visualization jobs")
    refusal = _running_quota_refusal(jobs, project)
    if refusal is not None:
        return refusal
    jobs[job.job_id] = lifecycle.create(job, project.now, project.pace_seconds, project.service_url(job))
    fields = job.fields
    return json_reply(
        200,
        {
            **SUCCESS,
            "job_id": str(job.job_id),
            "job_name": fields["job_name"],
            "status": str(fields["status"]),
            "create_time": str(fields["create_time"]),
            "service_url": fields["service_url"],
        },
    )


def update_job(jobs: dict[int, Job], raw_job_id: str, request: Request) -> Reply:
    """``PUT /v1/{project_id}/visualization-jobs/{job_id}`` with ``{"job_desc": ...}``, in any status."""
    found = _find(jobs.get, raw_job_id)
    if isinstance(found, Reply):
        return found
    try:
        body = _object_body(request)
        if "job_desc" not in body:
            raise InvalidParameter("Parameter job_desc is mandatory.")
        description = _description(body["job_desc"])
    except InvalidParameter as invalid:
        return _error(400, invalid.code, str(invalid))
    jobs[found.job_id] = replace(found, fields={**found.fields, "job_desc": description})
    return json_reply(200, SUCCESS)


def stop_job(jobs: dict[int, Job], raw_job_id: str, request: Request, project: Project) -> Reply:
    """``POST .../{job_id}/stop`` (body ``{}``): a job starting, queued or running is canceled."""
    return _change(
        jobs, raw_job_id, request, "stop", lambda job: lifecycle.stop(job, project.now, project.pace_seconds)
    )


def restart_job(jobs: dict[int, Job], raw_job_id: str, request: Request, project: Project) -> Reply:
    """``POST .../{job_id}/restart``: a finished job runs again, within the running quota."""

    def restart(job: Job) -> Job | Reply:
        refusal = _running_quota_refusal(jobs, project)
        if refusal is not None:
            return refusal
        return lifecycle.restart(job, project.now, project.pace_seconds, project.service_url(job))

    return _change(jobs, raw_job_id, request, "restart", restart)


def delete_job(jobs: dict[int, Job], raw_job_id: str, request: Request, project: Project) -> Reply:
    """``DELETE .../{job_id}``: the job is gone a moment later."""
    return _change(
        jobs, raw_job_id, request, "delete", lambda job: lifecycle.delete(job, project.now, project.pace_seconds)
    )


def _change(
    jobs: dict[int, Job], raw_job_id: str, request: Request, operation: str, act: Callable[[Job], Job | Reply]
) -> Reply:
    """A stop, restart or delete: the job found, its body (none, or a JSON object) read, its status checked."""
    found = _find(jobs.get, raw_job_id)
    if isinstance(found, Reply):
        return found
    try:
        _object_body(request)
    except InvalidParameter as invalid:
        return _error(400, invalid.code, str(invalid))
    refusal = lifecycle.refusal(operation, found)
    if refusal is not None:
        return _error(400, "ModelArts.0105", refusal)
    changed = act(found)
    if isinstance(changed, Reply):
        return changed
    jobs[found.job_id] = changed
    return json_reply(200, SUCCESS)


def _find(find_job: Callable[[int], Job | None], raw_job_id: str) -> Job | Reply:
    if not _is_number(raw_job_id):
        return _error(400, "ModelArts.0104", f"Parameter job_id should be a number, not {raw_job_id!r}.")
    job = find_job(int(raw_job_id))
    if job is None:
        return _error(404, "ModelArts.0104", f"Visualization job {raw_job_id} does not exist.")
    return job


def _running_quota_refusal(jobs: dict[int, Job], project: Project) -> Reply | None:
    if sum(lifecycle.is_active(job) for job in jobs.values()) >= project.running_quota:
        return _over_quota("running visualization jobs")
    return None


def _over_quota(what: str) -> Reply:
    return _error(400, "ModelArts.0116", f"The expected {what} exceeds the quota limit.")


def _error(status: int, code: str, message: str) -> Reply:
    return modelarts_error(status, code, message, MESSAGE_FIELD)


def _object_body(request: Request) -> dict[str, Any]:
    """The JSON object sent (an empty body is an empty one); ModelArts.0101 for anything else."""
    try:
        body = request.json_body()
    except ValueError:
        raise InvalidParameter("The request body is not valid JSON.", code="ModelArts.0101") from None
    if not isinstance(body, dict):
        raise InvalidParameter("The request body should be a JSON object.", code="ModelArts.0101")
    return body


def _new_job(body: dict[str, Any], project: Project) -> Job:
    """The job a create body describes, checked field by field; raises InvalidParameter."""
    name = body.get("job_name")
    if not isinstance(name, str) or not JOB_NAME.fullmatch(name):
        raise InvalidParameter(f"Illegal name: {'' if name is None else name}")
    train_url = body.get("train_url")
    if not isinstance(train_url, str) or not TRAIN_URL.fullmatch(train_url):
        raise InvalidParameter(
            f"Parameter train_url should be an OBS directory such as obs://bucket/path/, not {train_url!r}."
        )
    job_type = body.get("job_type", JOB_TYPES[0])
    if job_type not in JOB_TYPES:
        raise InvalidParameter(f"Parameter job_type should be one of {', '.join(JOB_TYPES)}, not {job_type!r}.")
    flavor = body.get("flavor")
    if flavor is not None and not (isinstance(flavor, dict) and isinstance(flavor.get("code"), str) and flavor["code"]):
        raise InvalidParameter('Parameter flavor should be an object such as {"code": "modelarts.vm.cpu.2u"}.')
    fields: dict[str, Any] = {
        "job_id": project.new_job_id,
        "job_name": name,
        "job_desc": _description(body.get("job_desc", "")),
        "status": lifecycle.CREATED_STATUS,
        "create_time": round(project.now * 1000),
        "duration": 0,
        "service_url": "",
        "train_url": train_url,
        "resource_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{project.project_id}/{project.new_job_id}")),
    }
    if "schedule" in body:
        hours = _autostop_hours(body["schedule"])
        fields["schedule"] = [{"type": "stop", "timeUnit": "HOURS", "duration": hours}]
        fields["remaining_duration"] = hours * HOUR_MS if hours else None
    return Job(fields, job_type=job_type)


def _description(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_DESCRIPTION_LENGTH:
        raise InvalidParameter(f"The length of job_desc should be in [0,{MAX_DESCRIPTION_LENGTH}].")
    return value


def _autostop_hours(schedule: object) -> int:
    """The hours of an auto-stop schedule as the create sample sends it (or as the reference table describes it)."""
    if isinstance(schedule, list) and len(schedule) == 1:
        schedule = schedule[0]
    if not isinstance(schedule, dict) or schedule.get("type") != "stop":
        raise InvalidParameter('Parameter schedule should be {"type": "stop", "time_unit": "HOURS", "duration": N}.')
    unit = schedule.get("time_unit", schedule.get("timeUnit"))
    if unit != "HOURS":
        raise InvalidParameter(f"Parameter schedule.time_unit should be HOURS, not {unit!r}.")
    hours = schedule.get("duration")
    if isinstance(hours, bool) or not isinstance(hours, int) or not 0 <= hours <= MAX_AUTOSTOP_HOURS:
        raise InvalidParameter(
            f"Parameter schedule.duration should be an integer [0,{MAX_AUTOSTOP_HOURS}], not {hours!r}."
        )
    return hours


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
