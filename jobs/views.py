"""Job pages: the overview, a project's list, lookup and a job's details. Login is required everywhere
(LoginRequiredMiddleware); a project is looked up among the viewer's own credentials only, so another
user's answer 404 and existence never leaks.
"""

from collections import defaultdict

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.crypto import SecretUnreadable
from accounts.models import Credential
from accounts.views import secret_unreadable
from dashboard.http import AuthenticatedHttpRequest
from modelarts.errors import ModelArtsError, NotFound

from . import details, failures, listing, lookup_limit, refresh, tasks, upstream_limit
from .forms import LookupForm
from .listing import JobList, ListQueryForm
from .models import CachedJob
from .status import GROUPS


def _no_credential(request: HttpRequest, project_id: str) -> HttpResponse:
    return render(request, "jobs/no_credential.html", {"project_id": project_id}, status=404)


def _list_page(request: HttpRequest, template: str, listed: JobList, context: dict) -> HttpResponse:
    """The overview or a project's page around its list; a 400 for a query string it cannot use."""
    if listed.page is None:
        return render(request, template, {**context, "list_form": listed.form}, status=400)
    return render(request, template, {**context, "list_form": listed.form, "query": listed.query, "page": listed.page})


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Overview: every project with counts per status group, and one combined list across projects."""
    credentials = list(Credential.objects.for_user(request.user))
    jobs = CachedJob.objects.for_user(request.user)
    listed = listing.list_jobs(jobs.select_related("credential"), request.GET, ListQueryForm, credentials)
    counts: defaultdict[int, dict[str, int]] = defaultdict(dict)
    rows = jobs.values_list("credential_id", "status_group").annotate(count=Count("pk")).order_by()
    for credential_id, group, count in rows:
        counts[credential_id][group] = count
    projects = [
        {"credential": credential, "state": listed.states.get(credential.pk), "counts": counts[credential.pk]}
        for credential in credentials
    ]
    context = {
        "credentials": credentials,
        "projects": projects,
        "groups": GROUPS,
        "form": LookupForm(credentials=credentials),
    }
    return _list_page(request, "jobs/home.html", listed, context)


@require_GET
def lookup(request: AuthenticatedHttpRequest) -> HttpResponse:
    credentials = list(Credential.objects.for_user(request.user))
    form = LookupForm(request.GET, credentials=credentials)
    if form.is_valid():
        return redirect("job-detail", project_id=form.cleaned_data["project_id"], job_id=form.cleaned_data["job_id"])
    return render(request, "jobs/lookup.html", {"form": form, "credentials": credentials}, status=400)


@require_GET
def project_jobs(request: AuthenticatedHttpRequest, project_id: str) -> HttpResponse:
    """The project's cached list, refreshed first when stale; a failed refresh shows beside the last list."""
    credential = Credential.objects.for_project(request.user, project_id)
    if credential is None:
        return _no_credential(request, project_id)
    listed = listing.list_jobs(credential.cached_jobs.all(), request.GET, ListQueryForm, [credential])
    state = listed.states.get(credential.pk)
    credentials = list(Credential.objects.for_user(request.user))
    context = {
        "credential": credential,
        "state": state,
        "form": LookupForm(credentials=credentials, initial={"project_id": project_id}),
    }
    response = _list_page(request, "jobs/project.html", listed, context)
    if response.status_code == 200 and state is not None and state.unavailable:
        response.status_code = 502  # nothing to show at all: the failure is the page
    return response


@require_POST
def project_refresh(request: AuthenticatedHttpRequest, project_id: str) -> HttpResponse:
    credential = Credential.objects.for_project(request.user, project_id)
    if credential is None:
        return _no_credential(request, project_id)
    _refresh_now(request, credential)
    return _redirect_back(request, reverse("project-jobs", args=[project_id]))


@require_POST
def refresh_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    for credential in Credential.objects.for_user(request.user):
        _refresh_now(request, credential)
    return _redirect_back(request, reverse("home"))


def _refresh_now(request: HttpRequest, credential: Credential) -> None:
    """Queue the refresh and return at once: the page follows it live (its refresh box) and shows its outcome.

    Within the cooldown nothing is queued, and the page says so as before.
    """
    name = credential.name
    outcome = tasks.refresh_now(credential)
    if isinstance(outcome, refresh.Cooldown):
        explanation = refresh.describe_cooldown(outcome)
        messages.info(request, _("“%(name)s”: %(explanation)s") % {"name": name, "explanation": explanation})
    elif outcome:
        messages.info(request, _("“%(name)s”: refresh queued.") % {"name": name})
    else:
        messages.info(request, _("“%(name)s”: a refresh is already queued or running.") % {"name": name})


def _redirect_back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the button was on, query string included, if it is one of ours."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@require_GET
def job_detail(request: AuthenticatedHttpRequest, project_id: str, job_id: int) -> HttpResponse:
    credential = Credential.objects.for_project(request.user, project_id)
    if credential is None:
        return _no_credential(request, project_id)
    # The stable address to share: no query string, the cloud project id rather than a database id.
    page_url = request.build_absolute_uri(reverse("job-detail", args=[project_id, job_id]))
    context = {"credential": credential, "job_id": job_id, "page_url": page_url}
    try:
        context["job"] = details.get_job(credential, job_id)
    except (ModelArtsError, SecretUnreadable, lookup_limit.LookupRateLimited, upstream_limit.UpstreamBusy) as error:
        return _lookup_failed(request, context, error)
    return render(request, "jobs/job_detail.html", context)


def _lookup_failed(request: HttpRequest, context: dict, error: failures.Explainable) -> HttpResponse:
    """A job lookup's failure as a page, with the status failures.FAILURES gives it. A ModelArts failure shows
    on the job's page, beside the cached row if there is one; a wait shows when to try again (Retry-After).

    When this process already waits on ModelArts for as many requests as it lets wait (UpstreamBusy), nothing
    was asked and nothing waited: the page shows the cached row, saying it is the list's, as a whole page
    (200); without one it is the failure, a 503 with Retry-After.
    """
    if isinstance(error, SecretUnreadable):
        return secret_unreadable(request, context["credential"], error)
    explanation = context["explanation"] = failures.explain(error)
    if isinstance(error, lookup_limit.LookupRateLimited):
        context["retry_after"] = error.retry_after
        response = render(request, "jobs/rate_limited.html", context, status=explanation.status)
        response["Retry-After"] = str(error.retry_after)
        return response
    job = details.cached_job(context["credential"], context["job_id"])
    if isinstance(error, upstream_limit.UpstreamBusy) and job is not None:
        return render(request, "jobs/job_detail.html", {**context, "job": job, "busy": True})
    context.update(error=error, job=job, gone=isinstance(error, NotFound))
    response = render(request, "jobs/job_detail.html", context, status=explanation.status)
    if isinstance(error, upstream_limit.UpstreamBusy):
        response["Retry-After"] = str(error.retry_after)
    return response
