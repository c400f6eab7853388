"""The JSON API for scripts: one job's details and a project's cached list, exactly as the viewer sees them.

Operations are declared with django-ninja: their parameters and answers are the types of api_schemas, which
also make the OpenAPI description served at /api/schema, so what is described is what is parsed and sent.
Who may call them is api_auth's business. Every answer is JSON, failures included (the error shape below),
and a project is looked up among the viewer's own credentials only, as on pages.
"""

import math
from functools import cache, wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from accounts.crypto import SecretUnreadable
from accounts.models import Credential
from dashboard import __version__
from dashboard.http import AuthenticatedHttpRequest
from modelarts.client import VisualizationJob
from modelarts.errors import ModelArtsError

from . import actions, details, failures, listing, lookup_limit, upstream_limit
from .api_auth import AUTH, WRITE_AUTH, ApiRefusal, unauthenticated
from .api_docs import reference as api_reference
from .api_schemas import (
    CreatedJob,
    DescriptionChange,
    Error,
    JobDetail,
    JobId,
    JobList,
    ListParams,
    NewJob,
    Notice,
    ProjectId,
    RefreshError,
)
from .forms import train_url_as_sent
from .models import JobListRefresh


class DashboardSchema(OpenAPISchema):
    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        """Ninja's requirements, with the token scope a write needs: ninja lists no scopes, and OpenAPI 3.1 lets
        a requirement name the roles it needs for any kind of scheme."""
        security = super().operation_security(operation)
        described = [auth for auth in operation.auth_callbacks if hasattr(auth, "openapi_security_schema")]
        for requirement, auth in zip(security or [], described, strict=True):
            requirement[type(auth).__name__] = list(getattr(auth, "required_scopes", []))
        return security


class DashboardApi(NinjaAPI):
    def get_content_type(self) -> str:
        """As Django's JsonResponse says it, which the other answers (errors, the schema) are."""
        return "application/json"

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return DashboardSchema(self, path_prefix)


api = DashboardApi(
    title="ModelArts dashboard API",
    version=__version__,
    description=(
        "Access for scripts to the visualization jobs of the projects you hold a credential for, with your own "
        "credential. Authenticate with a personal API token (created on the dashboard's API tokens page) sent as "
        "'Authorization: Bearer <token>', or with a logged-in browser session. Every answer, failures included, "
        "is JSON."
    ),
    auth=AUTH,
    openapi_url=None,  # served by openapi_schema below, at the URLs the API has always had
    docs_url=None,  # an interactive page would load its scripts from a CDN; /api/schema is for tools
)


# Answers


def _error(status: int, code: str, message: str, **fields) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, **fields}}, status=status)


def _no_credential(project_id: str) -> JsonResponse:
    """The same answer whether or not anyone else has this project: existence never leaks."""
    return _error(404, "not_found", f"You have no credential for project {project_id}.")


def _retry_after(response: JsonResponse, seconds: int) -> JsonResponse:
    response["Retry-After"] = str(seconds)
    return response


def _lookup_failed(error: failures.Explainable) -> JsonResponse:
    """A job lookup's failure with the status and code failures.FAILURES gives it; the title and advice in
    English whatever the language, stable for scripts."""
    return _explained(error, failures.explain(error))


def _action_failed(error: failures.Explainable) -> JsonResponse:
    """An action's failure as a lookup's, with the advice (and status) failures gives for actions."""
    return _explained(error, failures.explain_action(error))


def _explained(error: failures.Explainable, explanation: failures.Explanation) -> JsonResponse:
    if isinstance(error, lookup_limit.LookupRateLimited):
        message = (
            "Too many lookups of jobs that were not cached: ModelArts is not asked for more of yours just now. "
            f"Try again in {error.retry_after} seconds."
        )
        response = _error(explanation.status, explanation.api_code, message, retry_after=error.retry_after)
        return _retry_after(response, error.retry_after)
    fields = {"title": explanation.title, "advice": explanation.advice}
    if isinstance(error, upstream_limit.UpstreamBusy):
        response = _error(
            explanation.status, explanation.api_code, explanation.message, retry_after=error.retry_after, **fields
        )
        return _retry_after(response, error.retry_after)
    if not isinstance(error, ModelArtsError):
        return _error(explanation.status, explanation.api_code, explanation.message, **fields)
    fields |= {"request_id": error.request_id, "modelarts_code": error.code}
    message = error.message or explanation.title  # ModelArts' words alone: its code has a field of its own
    return _error(explanation.status, explanation.api_code, message, **fields)


def _list_unavailable(state: JobListRefresh) -> JsonResponse:
    """Never fetched, and the last try failed: there is no earlier list to show, only the failure."""
    failure = failures.explain_stored(state.last_error_kind, state.last_error_code, state.last_error)
    return _error(502, "list_unavailable", failure.message, title=failure.title, advice=failure.advice)


@api.exception_handler(ApiRefusal)
def _refused(request: HttpRequest, refusal: ApiRefusal) -> HttpResponse:
    response = _error(refusal.status, refusal.code, refusal.message)
    for name, value in refusal.headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _no_credentials(request: HttpRequest, exception: AuthenticationError) -> HttpResponse:
    """Neither a token nor a session: what ninja says when no authentication method accepted the request."""
    return _refused(request, unauthenticated())


@api.exception_handler(ValidationError)
def _invalid_request(request: HttpRequest, exception: ValidationError) -> HttpResponse:
    """The list's parameters as ListParams judged them (the form's errors of each parameter, code
    invalid_query), or a JSON body as its schema judged it (code invalid_body): each field's errors, and a
    message naming the first. (Path parameters never fail here: the URL converters only let valid ones reach
    an operation.)"""
    fields: dict[str, Any] = {}
    body_errors = [error for error in exception.errors if error["type"] != "invalid_query"]
    if not body_errors:
        for error in exception.errors:
            fields |= error["ctx"]["fields"]
        return _error(400, "invalid_query", "Some query parameters are invalid.", fields=fields)
    for error in body_errors:
        fields.setdefault(_field_name(error["loc"]), []).append({"message": error["msg"], "code": error["type"]})
    name, errors = next(iter(fields.items()))
    where = f"{name}: " if name else ""  # an error of the body as a whole (not an object) names no field
    return _error(400, "invalid_body", f"Invalid request body: {where}{errors[0]['message']}", fields=fields)


def _field_name(location: tuple) -> str:
    """The field as a script names it in its body, e.g. job_desc; empty for the body as a whole. ninja puts
    the body under ("body", <parameter>)."""
    return ".".join(str(part) for part in location[2:])


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exception: Http404) -> HttpResponse:
    """Instead of ninja's {"detail": "Not Found"}, should an operation ever raise Django's Http404."""
    return _error(404, "not_found", "There is no such object.")


@api.exception_handler(HttpError)
def _unreadable_body(request: HttpRequest, exception: HttpError) -> HttpResponse:
    """What ninja refuses itself: a body it cannot parse (its only HttpError here, a 400)."""
    return _error(400, "invalid_body", "The request body is not valid JSON.")


@api.exception_handler(RequestDataTooBig)
def _body_too_large(request: HttpRequest, exception: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE, refused by Django when ninja reads it."""
    return _error(413, "body_too_large", "The request body is too large.")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django answers (server_error below, or its debug page) and logs it, as for any view."""
    raise exception


def _described(
    ok: type | None, meanings: dict[int, str], headers: dict[int, dict[str, dict]] | None = None, status: int = 200
) -> dict:
    """An operation's answers: the success's status and schema (None: no body), and each failure's status,
    meaning and headers (OpenAPI header objects: ninja has no type for them)."""
    described: dict[int, dict[str, Any]] = {code: {"description": text} for code, text in meanings.items()}
    for code, named in (headers or {}).items():
        described[code]["headers"] = named
    return {"response": {status: ok, **dict.fromkeys(meanings, Error)}, "openapi_extra": {"responses": described}}


def _header(description: str, kind: str) -> dict:
    return {"description": description, "schema": {"type": kind}}


COMMON_FAILURES = {
    400: (
        "A request the dashboard cannot read: too many query parameters (code too_many_parameters) or, e.g., a "
        "Host header it does not serve (code bad_request)."
    ),
    401: "No session and no valid token (code unauthenticated).",
    404: "No credential of yours for this project, or no such job (code not_found).",
    500: "An unexpected failure of the dashboard, logged (code server_error).",
}
UNAUTHENTICATED_HEADER = {
    401: {"WWW-Authenticate": _header('Bearer, with error="invalid_token" for a refused token.', "string")}
}


# Operations


@api.get(
    "/projects/{project_id:project_id}/visualization-jobs/{job_id:job_id}",
    url_name="api-job-detail",
    operation_id="getVisualizationJob",
    summary="One job's details, fresh from ModelArts",
    **_described(
        JobDetail,
        {
            **COMMON_FAILURES,
            409: (
                "The stored credential is malformed (code credential_malformed), or has no secret since an "
                "administrator changed its endpoint (code secret_missing); edit it. Nothing was sent."
            ),
            429: (
                "Too many lookups that needed ModelArts lately (code rate_limited, with retry_after in seconds, also "
                "sent as the Retry-After header). Only lookups of jobs missing from the project's cached list "
                "count, and not those answered from the short cache."
            ),
            502: "ModelArts failed or refused (credentials, permissions, errors).",
            503: (
                "ModelArts is busy (code busy, or its own code); the server is already waiting on ModelArts for as "
                "many requests as it lets wait and the job is not in the cached list (code upstream_busy, with "
                "retry_after, also sent as the Retry-After header); or the stored secret cannot be decrypted (code "
                "secret_unreadable)."
            ),
            504: "ModelArts did not answer in time.",
        },
        headers={
            **UNAUTHENTICATED_HEADER,
            429: {"Retry-After": _header("Seconds to wait.", "integer")},
            503: {"Retry-After": _header("Seconds to wait (with upstream_busy).", "integer")},
        },
    ),
)
def job_detail(request: AuthenticatedHttpRequest, project_id: ProjectId, job_id: JobId) -> Any:
    """Asked of ModelArts with your credential for the project; shared for a few seconds by everyone asking for
    the same job with the same credential, as on the detail page. When the server is already waiting on ModelArts
    for as many requests as it lets wait, it does not ask: a job in the project's cached list comes from there,
    marked by notice; any other is a 503 upstream_busy."""
    credential = Credential.objects.for_project(request.user, project_id)
    if credential is None:
        return _no_credential(project_id)
    try:
        job = details.get_job(credential, job_id)
    except upstream_limit.UpstreamBusy as busy:
        return _upstream_busy(credential, job_id, busy)
    except (ModelArtsError, SecretUnreadable, lookup_limit.LookupRateLimited) as error:
        return _lookup_failed(error)
    return JobDetail.model_validate(job)


def _upstream_busy(credential: Credential, job_id: int, busy: upstream_limit.UpstreamBusy) -> Any:
    """Like the page: nothing was asked, so the job as the project's cached list has it, with a notice saying so
    and from when; a job not in the list is a 503 with Retry-After."""
    row = details.cached_job(credential, job_id)
    if row is None:
        return _lookup_failed(busy)
    answer = JobDetail.model_validate(row)
    answer.notice = Notice(
        code="upstream_busy",
        message=(
            "ModelArts was not asked: this server is already waiting on it for as many requests as it lets wait. "
            "These are the job's fields from the project's cached list, as fetched at fetched_at; ask again in "
            "retry_after seconds for current ones."
        ),
        fetched_at=row.fetched_at,
        retry_after=busy.retry_after,
    )
    return answer


@api.get(
    "/projects/{project_id:project_id}/visualization-jobs",
    url_name="api-job-list",
    operation_id="listVisualizationJobs",
    summary="A project's job list, as cached by the dashboard",
    **_described(
        JobList,
        {
            **COMMON_FAILURES,
            400: f"An invalid query parameter (code invalid_query, with fields), or: {COMMON_FAILURES[400]}",
            502: "The list was never fetched and the first fetch failed (code list_unavailable).",
        },
        headers=UNAUTHENTICATED_HEADER,
    ),
)
def job_list(request: AuthenticatedHttpRequest, project_id: ProjectId, params: Query[ListParams]) -> Any:
    """The project's whole list is cached; when it is older than a few minutes it is served as stored while the
    background worker refreshes it (see refresh). A failed refresh keeps the previous list and is reported in
    last_error. Filtering, sorting and paging are those of the list page; an invalid value is a 400, judged
    before the project, as it depends on nothing else."""
    credential = Credential.objects.for_project(request.user, project_id)
    if credential is None:
        return _no_credential(project_id)
    states, page = listing.run_query(credential.cached_jobs.all(), params.query(), [credential])
    state = states.get(credential.pk)
    if state is not None and state.unavailable:
        return _list_unavailable(state)
    state = state or JobListRefresh()  # never refreshed: nothing queued, fetched or failed
    return JobList.model_validate(
        {
            "jobs": list(page),
            "page": page.number,
            "per_page": page.paginator.per_page,
            "pages": page.paginator.num_pages,
            "total": page.paginator.count,
            "fetched_at": state.fetched_at,
            "last_error": RefreshError.from_state(state),
            "refresh": state,
        }
    )


# Writes: the pages' actions (jobs.actions), for scripts. Only with a read-write token or a session with the
# page's CSRF token (api_auth.WRITE_AUTH), for users allowed to act on jobs where the deployment allows it.

WRITE_FAILURES = {
    **COMMON_FAILURES,
    403: (
        "A read-only API token (code read_only_token); a session without the page's CSRF token (code "
        "csrf_failed); actions turned off on this dashboard (code actions_disabled); no permission to operate "
        "visualization jobs here (code not_permitted); or the IAM user may not do this in ModelArts (its code, "
        "e.g. ModelArts.0108, with advice on the permission to ask for)."
    ),
    409: (
        "The job's status does not allow this (code not_allowed_in_status, with ModelArts' code), or the "
        "project's quota of jobs or running jobs is used up (code quota_exceeded); or the stored "
        "credential is malformed (code credential_malformed) or has no secret (code secret_missing). Nothing was "
        "done."
    ),
    502: "ModelArts failed or refused (credentials, invalid values, quotas, errors): its code and words.",
    503: (
        "ModelArts is busy (code busy, or its own code); the server is already waiting on ModelArts for as many "
        "requests as it lets wait, so nothing was asked (code upstream_busy, with retry_after, also sent as the "
        "Retry-After header); or the stored secret cannot be decrypted (code secret_unreadable)."
    ),
    504: "ModelArts did not answer in time: the action may or may not have been done; read the job to know.",
}
WRITE_HEADERS = {
    **UNAUTHENTICATED_HEADER,
    503: {"Retry-After": _header("Seconds to wait (with upstream_busy).", "integer")},
}
# The failures of the writes that take a body: judged before anything is sent to ModelArts.
BODY_FAILURES = {
    **WRITE_FAILURES,
    400: (
        "A body that is not JSON, or a field its schema does not allow (code invalid_body, with the errors of each "
        f"field in fields). Or: {COMMON_FAILURES[400]}"
    ),
    413: "A body larger than the dashboard reads (code body_too_large).",
}


def _may_act(request: AuthenticatedHttpRequest, project_id: str) -> Credential | JsonResponse:
    """The viewer's credential for the project, if the deployment and the viewer's permissions allow actions;
    otherwise the refusal (403 before 404, as on the pages: the operation exists, the viewer may not use it)."""
    refusal = actions.refusal_for(request.user)
    if refusal is not None:
        return _error(403, refusal.code, str(refusal.message))
    credential = Credential.objects.for_project(request.user, project_id)
    return _no_credential(project_id) if credential is None else credential


def _act(request: AuthenticatedHttpRequest, project_id: str, job_id: int, name: str, description: str = "") -> Any:
    """Performs the action as the page's button does; on acceptance, the job as the dashboard now has it."""
    credential = _may_act(request, project_id)
    if isinstance(credential, JsonResponse):
        return credential
    outcome = actions.perform(request, credential, job_id, actions.OPERATIONS[name], description)
    if outcome.error is not None:
        return _action_failed(outcome.error)
    if name == "delete":
        return Status(202, None)
    status = 200 if name == "edit" else 202
    row = details.cached_job(credential, job_id)
    if row is not None:
        return Status(status, JobDetail.model_validate(row))
    try:  # a job not in the cached list: ModelArts is asked for it, afresh since the action dropped its details
        return Status(status, JobDetail.model_validate(details.get_job(credential, job_id)))
    except (ModelArtsError, SecretUnreadable, lookup_limit.LookupRateLimited, upstream_limit.UpstreamBusy) as error:
        return Status(status, _accepted_unread(outcome, description, error))


# The status a job has once ModelArts accepted the action, as far as the dashboard can tell without asking.
STATUS_AFTER = {"stop": actions.STOPPING_STATUS, "restart": actions.QUEUED_STATUS}
UNKNOWN_STATUS = 0
READ_AGAIN_SECONDS = 5


def _accepted_unread(outcome: actions.Outcome, description: str, error: failures.Explainable) -> JobDetail:
    """ModelArts accepted the action, but the job could not be read back just after. The answer still says it was
    accepted: a failure's status would have a script send the action again. It holds what the action set, and a
    notice saying why the rest is missing."""
    name = outcome.operation.name
    job = VisualizationJob(
        job_id=outcome.job_id,
        job_name=outcome.job_name,
        status=STATUS_AFTER.get(name, UNKNOWN_STATUS),
        create_time=None,
        duration_ms=None,
        job_desc=description,
        service_url="",
        train_url="",
        resource_id="",
        remaining_duration_ms=None,
    )
    explanation = failures.explain(error)
    answer = JobDetail.model_validate(details.FetchedJob.of(job, outcome.at))  # known as of ModelArts' acceptance
    answer.notice = Notice(
        code="details_unavailable",
        message=(
            f"ModelArts accepted the {name}, but the job could not be read back just after: {explanation.title} "
            f"{explanation.message} Only job_id and what the {name} set are known; ask for the job again."
        ),
        fetched_at=outcome.at,
        retry_after=max(READ_AGAIN_SECONDS, math.ceil(getattr(error, "retry_after", None) or 0)),
    )
    return answer


ACCEPTED_JOB = (
    "ModelArts accepted it and acts on it in the background. The job as the dashboard now has it: from the "
    "project's cached list, with the status the action leads to (9 being canceled after a stop, 7 queuing after "
    "a restart), or, for a job not in that list, as ModelArts reports it just after."
)


@api.post(
    "/projects/{project_id:project_id}/visualization-jobs/{job_id:job_id}/stop",
    url_name="api-job-stop",
    operation_id="stopVisualizationJob",
    summary="Stop a job",
    auth=WRITE_AUTH,
    **_described(JobDetail, WRITE_FAILURES, WRITE_HEADERS, status=202),
)
def job_stop(request: AuthenticatedHttpRequest, project_id: ProjectId, job_id: JobId) -> Any:
    """ModelArts stops the job and its TensorBoard or MindInsight, and billing for it ends; it can be restarted."""
    return _act(request, project_id, job_id, "stop")


@api.post(
    "/projects/{project_id:project_id}/visualization-jobs/{job_id:job_id}/restart",
    url_name="api-job-restart",
    operation_id="restartVisualizationJob",
    summary="Restart a stopped job",
    auth=WRITE_AUTH,
    **_described(JobDetail, WRITE_FAILURES, WRITE_HEADERS, status=202),
)
def job_restart(request: AuthenticatedHttpRequest, project_id: ProjectId, job_id: JobId) -> Any:
    """ModelArts runs the job again on the same training output; it is billed again while it runs."""
    return _act(request, project_id, job_id, "restart")


@api.patch(
    "/projects/{project_id:project_id}/visualization-jobs/{job_id:job_id}",
    operation_id="updateVisualizationJob",
    summary="Change a job's description",
    auth=WRITE_AUTH,
    **_described(JobDetail, BODY_FAILURES, WRITE_HEADERS),
)
def job_edit(request: AuthenticatedHttpRequest, project_id: ProjectId, job_id: JobId, change: DescriptionChange) -> Any:
    """Only the description changes, at once; the job goes on as it is. The answer is the changed job."""
    return _act(request, project_id, job_id, "edit", change.job_desc)


@api.delete(
    "/projects/{project_id:project_id}/visualization-jobs/{job_id:job_id}",
    operation_id="deleteVisualizationJob",
    summary="Delete a job",
    auth=WRITE_AUTH,
    **_described(None, WRITE_FAILURES, WRITE_HEADERS, status=202),
)
def job_delete(request: AuthenticatedHttpRequest, project_id: ProjectId, job_id: JobId) -> Any:
    """ModelArts stops the job if it runs and deletes it with its TensorBoard; this cannot be undone. A 202
    without a body: the job leaves the dashboard's list at once, but ModelArts deletes it in the background, so
    reading it a moment later may still find it."""
    return _act(request, project_id, job_id, "delete")


@api.post(
    "/projects/{project_id:project_id}/visualization-jobs",
    operation_id="createVisualizationJob",
    summary="Create a job",
    auth=WRITE_AUTH,
    **_described(CreatedJob, BODY_FAILURES, WRITE_HEADERS, status=202),
)
def job_create(request: AuthenticatedHttpRequest, project_id: ProjectId, new_job: NewJob) -> Any:
    """ModelArts creates the job and starts it in the background; the answer is the job as it was accepted
    (status 1, being initialized, unless ModelArts said more), already in the project's cached list, with url
    its page on the dashboard. The body is checked against ModelArts' limits before anything is sent."""
    credential = _may_act(request, project_id)
    if isinstance(credential, JsonResponse):
        return credential
    train_url = train_url_as_sent(new_job.train_url)  # the schema checked its form
    job = actions.NewJob(new_job.job_name, train_url, new_job.job_type, new_job.job_desc, new_job.auto_stop_hours)
    outcome = actions.create_job(request, credential, job)
    if outcome.error is not None:
        return _action_failed(outcome.error)
    url = request.build_absolute_uri(reverse("job-detail", args=[credential.project_id, outcome.job_id]))
    return Status(202, CreatedJob.model_validate(outcome.row, context={"url": url}))


# Django's side of the API: the URLs' views, and Django's own failures under /api/ (dashboard/urls.py names these
# handlers), JSON too; the usual pages elsewhere.


def api_view(view):
    """An operation's view as a URL serves it: for scripts (LoginRequiredMiddleware would send them to a login
    page, which they cannot follow), with a JSON 405 for a method the URL does not serve, before anything else
    is looked at, and otherwise never cached by browsers or proxies (the answers are one user's data)."""

    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not isinstance(response, JsonResponse):
            return _method_not_allowed(response["Allow"])
        add_never_cache_headers(response)
        return response

    return wrapper


METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


def _method_not_allowed(allowed: str) -> JsonResponse:
    """The methods the URL serves, in a stable order (ninja gives them as a set), in the message and in Allow."""
    methods = sorted((method.strip() for method in allowed.split(",")), key=_method_order)
    listed = methods[0] if len(methods) == 1 else f"{', '.join(methods[:-1])} and {methods[-1]}"
    response = _error(
        405, "method_not_allowed", f"Only {listed} {'is' if len(methods) == 1 else 'are'} supported here."
    )
    response["Allow"] = ", ".join(methods)
    return response


def _method_order(method: str) -> tuple[int, str]:
    return (METHODS.index(method) if method in METHODS else len(METHODS), method)


@cache
def _description() -> dict[str, Any]:
    """The OpenAPI description, made once per process: it depends on the code alone, and generating it takes
    tens of milliseconds, which two public addresses would otherwise spend on every anonymous request."""
    return api.get_openapi_schema(path_prefix="/api/")


@cache
def _reference() -> dict[str, Any]:
    """The API reference page's content, read from the description once, like it."""
    return api_reference(_description())


@login_not_required
@csrf_exempt
def openapi_schema(request: HttpRequest) -> JsonResponse:
    """The OpenAPI description; public, like the URL space it describes, so tools can fetch it."""
    if request.method != "GET":
        return _method_not_allowed("GET")
    return JsonResponse(_description())


@login_not_required
@csrf_exempt
def api_docs(request: HttpRequest) -> HttpResponse:
    """The same description as a page for people; as public as the schema, and refusing other methods alike."""
    if request.method != "GET":
        return _method_not_allowed("GET")
    return render(request, "jobs/api_docs.html", _reference())


@login_not_required
@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/, including ids the URL converters refuse: a JSON 404, not the HTML page."""
    return _error(404, "not_found", "There is no API endpoint at this address.")


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _failure(response: JsonResponse) -> JsonResponse:
    add_never_cache_headers(response)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refused to read: too many parameters, an unknown Host header and the like."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, TooManyFieldsSent):
        return _failure(_error(400, "too_many_parameters", "The request has too many parameters."))
    return _failure(_error(400, "bad_request", "The request could not be read."))


def server_error(request: HttpRequest) -> HttpResponse:
    """An unexpected failure, logged with its traceback by Django; the script gets no details."""
    if not _is_api(request):
        return defaults.server_error(request)
    return _failure(_error(500, "server_error", "Something went wrong on the dashboard's side; it has been logged."))
