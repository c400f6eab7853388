"""The JSON API for scripts: one job's details and a project's cached list, exactly as the viewer sees them.

Operations are declared with django-ninja: their parameters and answers are the types of api_schemas, which
also make the OpenAPI description served at /api/schema, so what is described is what is parsed and sent.
Who may call them is api_auth's business. Every answer is JSON, failures included (the error shape below),
and a project is looked up among the viewer's own credentials only, as on pages.
"""

from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, ValidationError

from accounts.crypto import SecretUnreadable
from accounts.models import Credential
from dashboard import __version__
from dashboard.http import AuthenticatedHttpRequest
from modelarts.errors import ModelArtsError

from . import details, failures, listing, lookup_limit, upstream_limit
from .api_auth import AUTH, ApiRefusal, unauthenticated
from .api_schemas import Error, JobDetail, JobId, JobList, ListParams, Notice, ProjectId, RefreshError
from .models import JobListRefresh


class DashboardApi(NinjaAPI):
    def get_content_type(self) -> str:
        """As Django's JsonResponse says it, which the other answers (errors, the schema) are."""
        return "application/json"


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
    explanation = failures.explain(error)
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
def _invalid_query(request: HttpRequest, exception: ValidationError) -> HttpResponse:
    """The list's parameters, as ListParams judged them: the form's errors of each parameter. (Path parameters
    never fail here: the URL converters only let valid ones reach an operation.)"""
    fields: dict[str, Any] = {}
    for error in exception.errors:
        fields |= error["ctx"]["fields"]
    return _error(400, "invalid_query", "Some query parameters are invalid.", fields=fields)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django answers (server_error below, or its debug page) and logs it, as for any view."""
    raise exception


def _described(ok: type, meanings: dict[int, str], headers: dict[int, dict[str, dict]] | None = None) -> dict:
    """An operation's answers: the success's schema, and each failure's status, meaning and headers (OpenAPI
    header objects: ninja has no type for them)."""
    described: dict[int, dict[str, Any]] = {status: {"description": text} for status, text in meanings.items()}
    for status, named in (headers or {}).items():
        described[status]["headers"] = named
    return {"response": {200: ok, **dict.fromkeys(meanings, Error)}, "openapi_extra": {"responses": described}}


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


def _method_not_allowed(allowed: str) -> JsonResponse:
    response = _error(405, "method_not_allowed", f"Only {allowed} is supported.")
    response["Allow"] = allowed
    return response


@login_not_required
@csrf_exempt
def openapi_schema(request: HttpRequest) -> JsonResponse:
    """The OpenAPI description; public, like the URL space it describes, so tools can fetch it."""
    if request.method != "GET":
        return _method_not_allowed("GET")
    return JsonResponse(api.get_openapi_schema(path_prefix="/api/"))


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
