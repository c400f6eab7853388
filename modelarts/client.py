"""The ModelArts visualization-job API: one method per call, typed results, every quirk absorbed here.

The client knows nothing of Django: it is given an endpoint, a project id, an auth object (see auth.py),
timeouts and a User-Agent, so it can be used and tested on its own. It sends what it is given: checking
names and descriptions against ModelArts' rules is for the form that asks for them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import DefaultCookiePolicy
from typing import Any, Literal, overload

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .auth import RenewableAuth
from .errors import BadResponse, ModelArtsError, error_fields, error_for
from .http import DEFAULT_MAX_RESPONSE_BYTES, Timeouts, json_body, send
from .signing import build_path, build_query
from .text import clean, clean_json

INTEGER_TEXT = re.compile(r"\s*-?[0-9]{1,19}\s*\Z")
SORT_KEYS = ("job_id", "job_name", "job_desc", "create_time", "status")
MAX_JOB_ID = 2**63 - 1  # job ids are Java Longs
MAX_INTEGER = 2**31 - 1  # statuses are Java Integers


@dataclass(frozen=True)
class VisualizationJob:
    job_id: int
    job_name: str
    status: int
    create_time: datetime | None
    duration_ms: int | None
    job_desc: str
    service_url: str
    train_url: str
    resource_id: str
    remaining_duration_ms: int | None
    # Auto-stop settings as one object with ``time_unit``, e.g. {"type": "stop", "time_unit": "HOURS", "duration": 2}
    schedule: dict[str, Any] | None = None


@dataclass(frozen=True)
class Schedule:
    """Auto-stop for a new job: stop it ``duration`` hours after it starts (ModelArts allows 0-24)."""

    duration: int
    time_unit: str = "HOURS"
    type: str = "stop"


@dataclass(frozen=True)
class CreatedJob:
    """What ModelArts says about a job it accepted. Only the id is required: the job exists once ModelArts
    says so, and a missing detail must not make a created job look like a failed creation."""

    job_id: int
    job_name: str
    status: int | None
    create_time: datetime | None
    service_url: str


@dataclass(frozen=True)
class JobList:
    jobs: list[VisualizationJob]
    total: int
    job_count_limit: int | None
    quotas: int | None


@dataclass(frozen=True)
class RetryPolicy:
    """GET is retried on connection errors, 429 and 502/503/504. Writes only on connection errors, where no
    byte of the request was sent (urllib3 counts a connect error whatever the method, and checks the method
    for statuses): after a 5xx, a 429 or a timeout ModelArts may have acted on a write already, and doing it
    twice is not harmless (two jobs created). Everything else fails fast."""

    attempts: int = 3
    backoff_seconds: float = 0.5
    max_retry_after_seconds: int = 10

    def as_urllib3(self) -> Retry:
        retries = max(self.attempts - 1, 0)
        return Retry(
            total=retries,
            connect=retries,
            read=False,  # the server may have started working on it; and a slow server stays slow
            status=retries,
            other=0,
            redirect=0,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=frozenset({429, 502, 503, 504}),
            backoff_factor=self.backoff_seconds,
            respect_retry_after_header=True,
            retry_after_max=self.max_retry_after_seconds,
            raise_on_status=False,  # the last answer is mapped to an error like any other
            raise_on_redirect=False,
        )


class ModelArtsClient:
    def __init__(
        self,
        *,
        endpoint: str,
        project_id: str,
        auth: RenewableAuth,
        user_agent: str,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        session: requests.Session | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ):
        """``session`` lets callers reuse connections across clients (see ``new_session``)."""
        self.endpoint = endpoint.rstrip("/")
        self.project_id = project_id
        self.auth = auth
        self.timeouts = timeouts
        self.max_response_bytes = max_response_bytes
        self.session = session or new_session(user_agent, retry)

    def get_visualization_job(self, job_id: int) -> VisualizationJob:
        body = self._call("GET", ["visualization-jobs", str(job_id)])
        return parse_job(body)

    def list_visualization_jobs(
        self,
        page: int = 1,
        per_page: int = 10,
        sort_by: str | None = None,
        order: Literal["asc", "desc"] | None = None,
        status: int | None = None,
        search: str | None = None,
    ) -> JobList:
        params = [("page", str(page)), ("per_page", str(per_page))]
        if sort_by is not None:
            if sort_by not in SORT_KEYS:
                raise ValueError(f"sort_by must be one of {', '.join(SORT_KEYS)}")
            params.append(("sortBy", sort_by))
        if order is not None:
            params.append(("order", order))
        if status is not None:
            params.append(("status", str(status)))
        if search:
            params.append(("search_content", search))
        return parse_job_list(self._call("GET", ["visualization-jobs"], params))

    # Writes. Create, stop, restart and delete are asynchronous: the job's detail or list shows their effect.
    # The bodies are the ones the signing vectors record (stop sends {}, restart and delete nothing).

    def create_visualization_job(
        self,
        name: str,
        train_url: str,
        job_type: Literal["tensorboard", "mindinsight"] = "tensorboard",
        description: str = "",
        schedule: Schedule | None = None,
        flavor: str | None = None,
    ) -> CreatedJob:
        """``flavor`` is a resource flavor code; ModelArts picks one when it is not given."""
        body: dict[str, Any] = {"job_name": name, "job_desc": description, "train_url": train_url, "job_type": job_type}
        if flavor is not None:
            body["flavor"] = {"code": flavor}
        if schedule is not None:
            body["schedule"] = {"type": schedule.type, "time_unit": schedule.time_unit, "duration": schedule.duration}
        return parse_created_job(self._call("POST", ["visualization-jobs"], body=json_bytes(body)))

    def update_description(self, job_id: int, description: str) -> None:
        self._call("PUT", ["visualization-jobs", str(job_id)], body=json_bytes({"job_desc": description}))

    def stop(self, job_id: int) -> None:
        self._call("POST", ["visualization-jobs", str(job_id), "stop"], body=json_bytes({}))

    def restart(self, job_id: int) -> None:
        self._call("POST", ["visualization-jobs", str(job_id), "restart"])

    def delete(self, job_id: int) -> None:
        self._call("DELETE", ["visualization-jobs", str(job_id)])

    def _call(
        self, method: str, segments: list[str], params: list[tuple[str, str]] | None = None, body: bytes | None = None
    ) -> dict[str, Any]:
        """One API call. A 401 is a refusal before anything was done, so after renewing the authentication
        (an expired IAM token) sending it once more is safe for writes too."""
        url = self.endpoint + build_path(["v1", self.project_id, *segments])
        if params:
            url += "?" + build_query(params)
        response = self._send(method, url, body)
        if response.status_code == 401 and self.auth.renew():
            response = self._send(method, url, body)
        return parse_body(response)

    def _send(self, method: str, url: str, body: bytes | None) -> requests.Response:
        return send(
            self.session,
            method,
            url,
            timeouts=self.timeouts,
            max_response_bytes=self.max_response_bytes,
            auth=self.auth,
            data=body,
        )


def json_bytes(value: dict[str, Any]) -> bytes:
    """The exact bytes of a request body, which are also the bytes signed: compact, with non-ASCII text kept
    as UTF-8, the serialization of Huawei's own signer in the signing vectors. What is not valid JSON
    (NaN, infinities) or not valid UTF-8 (an unpaired surrogate) is refused before anything is sent."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("The request body holds text that is not valid UTF-8.") from exc


def new_session(user_agent: str, retry: RetryPolicy) -> requests.Session:
    """A connection pool with the retry policy. It keeps no cookies, so one pool can safely serve every
    credential: nothing one tenant's answers set is ever sent with another's requests."""
    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    session.headers["Content-Type"] = "application/json"
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    adapter = HTTPAdapter(max_retries=retry.as_urllib3())
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def parse_body(response: requests.Response) -> dict[str, Any]:
    """The JSON object of a successful answer; anything else becomes the fitting ModelArtsError."""
    if response.is_redirect:
        raise BadResponse(f"ModelArts answered with a redirect (HTTP {response.status_code}); it is not followed.")
    body = json_body(response)
    if not isinstance(body, dict):
        raise _non_json_error(response)
    if response.status_code >= 400 or body.get("is_success") is False:
        code, message, request_id = error_fields(body)
        raise error_for(response.status_code, code, message, request_id or response.headers.get("X-Request-Id", ""))
    return body


def _non_json_error(response: requests.Response) -> ModelArtsError:
    body = _describe_body(response)
    if response.status_code >= 400:
        return error_for(response.status_code, "", f"HTTP {response.status_code} with a non-JSON answer ({body}).")
    if "json" in body:
        return BadResponse(f"The answer is not valid JSON ({body}, perhaps cut off).", http_status=response.status_code)
    return BadResponse(f"The answer is not a JSON object ({body}).", http_status=response.status_code)


def _describe_body(response: requests.Response) -> str:
    content_type = response.headers.get("Content-Type", "no content type").split(";")[0]
    return f"{content_type} body of {len(response.content)} bytes"


def parse_job_list(body: dict[str, Any]) -> JobList:
    jobs = body.get("jobs")
    if jobs is None:
        jobs = []
    if not isinstance(jobs, list):
        raise BadResponse(f"'jobs' should be a list, got {type(jobs).__name__}.")
    return JobList(
        jobs=[parse_job(item) for item in jobs],
        total=_integer(body, "job_total_count", required=False) or 0,
        job_count_limit=_integer(body, "job_count_limit", required=False),
        quotas=_integer(body, "quotas", required=False),
    )


def parse_job(item: Any) -> VisualizationJob:
    if not isinstance(item, dict):
        raise BadResponse(f"A job should be a JSON object, got {type(item).__name__}.")
    return VisualizationJob(
        job_id=_job_id(item),
        job_name=_text(item, "job_name"),
        status=_integer(item, "status", limit=MAX_INTEGER),
        create_time=_datetime_from_epoch_ms(item, "create_time"),
        duration_ms=_integer(item, "duration", required=False),
        job_desc=_text(item, "job_desc"),
        service_url=_text(item, "service_url"),
        train_url=_text(item, "train_url"),
        resource_id=_text(item, "resource_id"),
        remaining_duration_ms=_integer(item, "remaining_duration", required=False),
        schedule=_schedule(item.get("schedule")),
    )


def parse_created_job(body: dict[str, Any]) -> CreatedJob:
    """The create answer's numbers may be strings (the reference's sample has ``"job_id": "10"``)."""
    return CreatedJob(
        job_id=_job_id(body),
        job_name=_text(body, "job_name"),
        status=_integer(body, "status", required=False, limit=MAX_INTEGER),
        create_time=_datetime_from_epoch_ms(body, "create_time"),
        service_url=_text(body, "service_url"),
    )


def _job_id(item: dict[str, Any]) -> int:
    job_id = _integer(item, "job_id")
    if job_id <= 0:
        raise BadResponse(f"The field 'job_id' should be a positive integer, got {job_id}.")
    return job_id


def _schedule(value: Any) -> dict[str, Any] | None:
    """The reference calls ``schedule`` an object, its create sample sends a one-element array, and a list
    sample shows it back with ``timeUnit``: every form becomes one object with ``time_unit``."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, dict):
        return None
    schedule: dict[str, Any] = clean_json(value)
    if "timeUnit" in schedule and "time_unit" not in schedule:
        schedule["time_unit"] = schedule.pop("timeUnit")
    return schedule


def _datetime_from_epoch_ms(item: dict[str, Any], field: str) -> datetime | None:
    milliseconds = _integer(item, field, required=False)
    if not milliseconds:
        return None
    try:
        return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise BadResponse(f"The field '{field}' is not a plausible time.") from exc


@overload
def _integer(item: dict[str, Any], field: str, required: Literal[True] = True, limit: int = MAX_JOB_ID) -> int: ...
@overload
def _integer(item: dict[str, Any], field: str, required: Literal[False], limit: int = MAX_JOB_ID) -> int | None: ...
def _integer(item: dict[str, Any], field: str, required: bool = True, limit: int = MAX_JOB_ID) -> int | None:
    """Integers arrive as numbers or as strings of digits; anything else is a broken answer."""
    value = item.get(field)
    if value is None or value == "":
        if required:
            raise BadResponse(f"The field '{field}' is missing from the answer.")
        return None
    if isinstance(value, bool):
        raise BadResponse(f"The field '{field}' should be an integer, got a boolean.")
    if isinstance(value, int):
        result = value
    elif isinstance(value, float) and value.is_integer():
        result = int(value)
    elif isinstance(value, str) and INTEGER_TEXT.match(value):
        result = int(value)
    else:
        raise BadResponse(f"The field '{field}' should be an integer, got {_short_repr(value)}.")
    if abs(result) > limit:
        raise BadResponse(f"The field '{field}' is out of range.")
    return result


def _text(item: dict[str, Any], field: str) -> str:
    value = item.get(field)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise BadResponse(f"The field '{field}' should be text, got {type(value).__name__}.")
    return clean(str(value))


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
