"""The JSON API for scripts: one job's details and a project's cached list, exactly as the viewer sees them.

A request is authenticated by the browser session or by a personal token (``Authorization: Bearer <token>``,
made on the API tokens page). LoginRequiredMiddleware would send anonymous callers to the login page,
which no script can follow, so these views opt out of it and answer 401 themselves. They are exempt from
CSRF because they only read: anything but GET is a 405 before anything else happens. Every answer is
JSON, failures included, and a project is looked up among the viewer's own credentials only, as on pages.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from accounts.crypto import SecretUnreadable
from accounts.models import ApiToken, Credential
from dashboard.http import AuthenticatedHttpRequest
from modelarts.client import VisualizationJob
from modelarts.errors import ModelArtsError

from . import details, failures, listing, lookup_limit, upstream_limit
from .listing import ApiListQueryForm, ListQueryForm
from .models import CachedJob, JobListRefresh
from .openapi import SCHEMA
from .status import status_for

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# Answers


def _error(status: int, code: str, message: str, **fields) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, **fields}}, status=status)


def _unauthenticated(message: str, *, token_refused: bool = False) -> JsonResponse:
    response = _error(401, "unauthenticated", message)
    # RFC 6750: a token that was sent and refused is "invalid_token"; no credentials at all get no error code.
    response["WWW-Authenticate"] = 'Bearer realm="api"' + (', error="invalid_token"' if token_refused else "")
    return response


def _method_not_allowed() -> JsonResponse:
    response = _error(405, "method_not_allowed", "Only GET is supported.")
    response["Allow"] = "GET"
    return response


def _no_credential(project_id: str) -> JsonResponse:
    """The same answer whether or not anyone else has this project: existence never leaks."""
    return _error(404, "not_found", f"You have no credential for project {project_id}.")


def _invalid_query(form: ListQueryForm) -> JsonResponse:
    return _error(400, "invalid_query", "Some query parameters are invalid.", fields=form.errors.get_json_data())


def _invalid_query_or_no_credential(request: HttpRequest, project_id: str) -> JsonResponse:
    """Without a project to list, the list's query is still judged first: a 400 depends on the query alone,
    so it says nothing about whose project this is."""
    form = ApiListQueryForm(request.GET)
    return _invalid_query(form) if form.has_fatal_errors() else _no_credential(project_id)


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


def _epoch_ms_from_datetime(moment: datetime | None) -> int | None:
    """Milliseconds since the epoch, as ModelArts and the old SDK give times; exact, no float rounding."""
    if moment is None:
        return None
    return ((moment - EPOCH) // timedelta(microseconds=1) + 500) // 1000


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def job_fields(job: VisualizationJob | CachedJob) -> dict:
    """A job as the old SDK's get_visualization_job_info returned it, typed, plus its status in words."""
    status = status_for(job.status)
    return {
        "job_id": job.job_id,
        "job_name": job.job_name,
        "job_desc": job.job_desc,
        "status": job.status,
        "status_label": status.label,
        "status_group": status.group,
        "create_time": _epoch_ms_from_datetime(job.create_time),
        "duration": job.duration_ms,
        "train_url": job.train_url,
        "service_url": job.service_url,
        "resource_id": job.resource_id,
        "remaining_duration": job.remaining_duration_ms,
    }


def _last_error(state: JobListRefresh | None) -> dict | None:
    failure = state.last_failure if state else None
    if state is None or failure is None:
        return None
    return {
        "title": failure.title,
        "message": failure.message,
        "advice": failure.advice,
        "at": _iso(state.last_error_at),
    }


def _refresh(state: JobListRefresh | None) -> dict:
    """What the background worker does with the list, so a script can wait for a refresh to end.

    ``queued_at`` only while a refresh is queued or running: a claim left by a lost task means nothing.
    ``started_at`` and ``progress`` are those of the refresh running, or else of the last one. A failing
    list says since when, how many times in a row, and when it is tried again automatically (the back-off).
    """
    activity = state.activity if state else "idle"
    return {
        "state": activity,
        "queued_at": _iso(state.queued_at) if state and activity != "idle" else None,
        "started_at": _iso(state.started_at if state else None),
        "progress": {
            "pages_fetched": state.pages_fetched if state else 0,
            "pages_expected": state.pages_expected if state else None,
        },
        "last_error": _last_error(state),
        "consecutive_failures": state.consecutive_failures if state else 0,
        "failing_since": _iso(state.failing_since if state else None),
        "next_try": _iso(state.next_try if state else None),
    }


def _list_unavailable(state: JobListRefresh) -> JsonResponse:
    """Never fetched, and the last try failed: there is no earlier list to show, only the failure."""
    failure = failures.explain_stored(state.last_error_kind, state.last_error_code, state.last_error)
    return _error(502, "list_unavailable", failure.message, title=failure.title, advice=failure.advice)


# Authentication


def _token_user(header: str):
    """The active owner of the bearer token in an Authorization header, or None."""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return ApiToken.owner_of(token.strip())


def _authenticate(request: HttpRequest) -> JsonResponse | None:
    """Sets request.user from a bearer token, or keeps the session's user; None when authenticated.

    A request that carries an Authorization header is judged by it alone: a bad token is refused even
    beside a valid session, so a script never silently acts as whoever is logged in in the browser.
    """
    header = request.headers.get("Authorization")
    if header is None:
        if request.user.is_authenticated:
            return None
        return _unauthenticated("Log in, or send a personal API token as 'Authorization: Bearer <token>'.")
    user = _token_user(header)
    if user is None:
        return _unauthenticated("The API token is missing, malformed, unknown or revoked.", token_refused=True)
    request.user = user
    return None


def api_get(view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
    """GET only, authenticated, never cached by browsers or proxies (the answers are one user's data)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "GET":
            return _method_not_allowed()
        refusal = _authenticate(request)
        response = refusal if refusal is not None else view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


# Views


@login_not_required
@csrf_exempt
@api_get
def job_detail(request: AuthenticatedHttpRequest, project_id: str, job_id: int) -> JsonResponse:
    """Like the detail page: the viewer's own credential, the same short cache and single flight."""
    credential = Credential.objects.for_project(request.user, project_id)
    if credential is None:
        return _no_credential(project_id)
    try:
        job = details.get_job(credential, job_id)
    except upstream_limit.UpstreamBusy as busy:
        return _upstream_busy(credential, job_id, busy)
    except (ModelArtsError, SecretUnreadable, lookup_limit.LookupRateLimited) as error:
        return _lookup_failed(error)
    return JsonResponse({"is_success": True, **job_fields(job)})


def _upstream_busy(credential: Credential, job_id: int, busy: upstream_limit.UpstreamBusy) -> JsonResponse:
    """Like the page: nothing was asked, so the job as the project's cached list has it, with a notice saying so
    and from when; a job not in the list is a 503 with Retry-After."""
    row = details.cached_job(credential, job_id)
    if row is None:
        return _lookup_failed(busy)
    notice = {
        "code": failures.explain(busy).api_code,
        "message": (
            "ModelArts was not asked: this server is already waiting on it for as many requests as it lets wait. "
            "These are the job's fields from the project's cached list, as fetched at fetched_at; ask again in "
            "retry_after seconds for current ones."
        ),
        "fetched_at": _iso(row.fetched_at),
        "retry_after": busy.retry_after,
    }
    return JsonResponse({"is_success": True, **job_fields(row), "notice": notice})


@login_not_required
@csrf_exempt
@api_get
def job_list(request: AuthenticatedHttpRequest, project_id: str) -> JsonResponse:
    """The cached list (a refresh queued when it is stale), with the list page's query parameters.

    Unlike the page, which corrects a bad sort or page size and says so, a script gets a 400 for any
    invalid value: it has nobody to read a notice. The query is judged before the project, as it depends
    on nothing else.
    """
    credential = Credential.objects.for_project(request.user, project_id)
    if credential is None:
        return _invalid_query_or_no_credential(request, project_id)
    listed = listing.list_jobs(credential.cached_jobs.all(), request.GET, ApiListQueryForm, [credential])
    page = listed.page
    if page is None:
        return _invalid_query(listed.form)
    state = listed.states.get(credential.pk)
    if state is not None and state.unavailable:
        return _list_unavailable(state)
    return JsonResponse(
        {
            "jobs": [job_fields(job) for job in page],
            "page": page.number,
            "per_page": page.paginator.per_page,
            "pages": page.paginator.num_pages,
            "total": page.paginator.count,
            "fetched_at": _iso(state.fetched_at if state else None),
            "last_error": _last_error(state),
            "refresh": _refresh(state),
        }
    )


@login_not_required
@csrf_exempt
def openapi_schema(request: HttpRequest) -> JsonResponse:
    """The OpenAPI description; public, like the URL space it describes, so tools can fetch it."""
    if request.method != "GET":
        return _method_not_allowed()
    return JsonResponse(SCHEMA)


@login_not_required
@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/, including ids the URL converters refuse: a JSON 404, not the HTML page."""
    return _error(404, "not_found", "There is no API endpoint at this address.")


# Django's own failures (dashboard/urls.py names these handlers): JSON under /api/, the usual pages elsewhere


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
