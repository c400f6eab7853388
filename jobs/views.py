"""Views. Login is required everywhere (LoginRequiredMiddleware); each view that takes an object id looks
it up through a ``_get_*_for_user`` helper, so another user's objects answer 404 and existence never leaks.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit, listing, services
from .crypto import SecretUnreadable
from .forms import CredentialForm, LookupForm
from .listing import ListQueryForm
from .modelarts.errors import ModelArtsError, NotFound
from .models import CachedJob, Credential, validate_project_id
from .status import GROUPS


def _get_credential_for_user(request: HttpRequest, pk: int) -> Credential:
    return get_object_or_404(Credential, pk=pk, owner=request.user)


def _get_project_credential_for_user(request: HttpRequest, project_id: str) -> Credential | None:
    """The viewer's own credential for a project: a shared link opens with the viewer's own keys."""
    try:
        return Credential.objects.get(owner=request.user, project_id=project_id)
    except Credential.DoesNotExist:
        return None


def _no_credential(request: HttpRequest, project_id: str) -> HttpResponse:
    return render(request, "jobs/no_credential.html", {"project_id": project_id}, status=404)


def _secret_unreadable(request: HttpRequest, credential: Credential, error: SecretUnreadable) -> HttpResponse:
    context = {"credential": credential, "message": str(error)}
    return render(request, "jobs/secret_unreadable.html", context, status=503)


def _list_page(request: HttpRequest, template: str, jobs: QuerySet, context: dict) -> HttpResponse:
    """Shared by the project list and the overview: validate the query string, filter, sort, paginate."""
    form = ListQueryForm(request.GET)
    if not form.is_valid() and form.has_fatal_errors():
        return render(request, template, {**context, "list_form": form}, status=400)
    query = form.query()
    page = listing.paginate(listing.filter_jobs(jobs, query, timezone.now()), query)
    return render(request, template, {**context, "list_form": form, "query": query, "page": page})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Overview: every project with counts per status group, and one combined list across projects."""
    credentials = list(request.user.credentials.all())
    states = services.fresh_list_states(credentials)
    counts = defaultdict(dict)
    rows = CachedJob.objects.filter(credential__owner=request.user).values_list("credential_id", "status_group")
    for credential_id, group, count in rows.annotate(count=Count("pk")).order_by():
        counts[credential_id][group] = count
    projects = [
        {"credential": credential, "state": states.get(credential.pk), "counts": counts[credential.pk]}
        for credential in credentials
    ]
    context = {
        "credentials": credentials,
        "projects": projects,
        "groups": GROUPS,
        "form": LookupForm(credentials=credentials),
    }
    jobs = CachedJob.objects.filter(credential__owner=request.user).select_related("credential")
    return _list_page(request, "jobs/home.html", jobs, context)


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    credentials = list(request.user.credentials.all())
    form = LookupForm(request.GET, credentials=credentials)
    if form.is_valid():
        return redirect("job-detail", project_id=form.cleaned_data["project_id"], job_id=form.cleaned_data["job_id"])
    return render(request, "jobs/lookup.html", {"form": form, "credentials": credentials}, status=400)


@require_GET
def project_jobs(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project's cached list, refreshed first when stale; a failed refresh shows beside the last list."""
    credential = _get_project_credential_for_user(request, project_id)
    if credential is None:
        return _no_credential(request, project_id)
    state = services.fresh_list_states([credential]).get(credential.pk)
    credentials = list(request.user.credentials.all())
    context = {
        "credential": credential,
        "state": state,
        "form": LookupForm(credentials=credentials, initial={"project_id": project_id}),
    }
    response = _list_page(request, "jobs/project.html", credential.cached_jobs.all(), context)
    if response.status_code == 200 and state is not None and state.unavailable:
        response.status_code = 502  # nothing to show at all: the failure is the page
    return response


@require_POST
def project_refresh(request: HttpRequest, project_id: str) -> HttpResponse:
    credential = _get_project_credential_for_user(request, project_id)
    if credential is None:
        return _no_credential(request, project_id)
    _refresh_now(request, credential)
    return _redirect_back(request, reverse("project-jobs", args=[project_id]))


@require_POST
def refresh_all(request: HttpRequest) -> HttpResponse:
    for credential in request.user.credentials.all():
        _refresh_now(request, credential)
    return _redirect_back(request, reverse("home"))


def _refresh_now(request: HttpRequest, credential: Credential) -> None:
    result = services.refresh_job_list(credential, force=True)
    if result.error:
        text = _("“%(name)s”: the refresh failed. %(error)s") % {"name": credential.name, "error": result.error}
        messages.error(request, text)
    elif result.coalesced:
        messages.info(request, _("“%(name)s”: refreshed just now by another request.") % {"name": credential.name})
    elif result.cooldown:
        messages.info(request, _cooldown_message(credential, result.cooldown))
    else:
        text = ngettext("“%(name)s”: fetched %(count)d job.", "“%(name)s”: fetched %(count)d jobs.", result.jobs)
        messages.success(request, text % {"name": credential.name, "count": result.jobs})


def _cooldown_message(credential: Credential, cooldown: services.Cooldown) -> str:
    if cooldown.failed:
        text = _(
            "“%(name)s”: not refreshed again; the last refresh failed %(ago)d s ago. "
            "A new refresh is possible in %(left)d s."
        )
    else:
        text = _(
            "“%(name)s”: not refreshed again; the list was fetched %(ago)d s ago. "
            "A new refresh is possible in %(left)d s."
        )
    return text % {"name": credential.name, "ago": cooldown.seconds_ago, "left": cooldown.seconds_left}


def _redirect_back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the button was on, query string included, if it is one of ours."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@require_GET
def job_detail(request: HttpRequest, project_id: str, job_id: int) -> HttpResponse:
    credential = _get_project_credential_for_user(request, project_id)
    if credential is None:
        return _no_credential(request, project_id)
    # The stable address to share: no query string, the cloud project id rather than a database id.
    page_url = request.build_absolute_uri(reverse("job-detail", args=[project_id, job_id]))
    context = {"credential": credential, "job_id": job_id, "page_url": page_url}
    try:
        context["job"] = services.get_job(credential, job_id)
    except SecretUnreadable as error:
        return _secret_unreadable(request, credential, error)
    except services.LookupRateLimited as limited:
        return _lookup_rate_limited(request, context, limited)
    except ModelArtsError as error:
        context.update(error=error, job=services.cached_job(credential, job_id), gone=isinstance(error, NotFound))
        return render(request, "jobs/job_detail.html", context, status=error.page_status)
    return render(request, "jobs/job_detail.html", context)


def _lookup_rate_limited(request: HttpRequest, context: dict, limited: services.LookupRateLimited) -> HttpResponse:
    """429 with when to try again, and the job as the cached list last saw it, if it is in there."""
    job = services.cached_job(context["credential"], context["job_id"])
    response = render(
        request, "jobs/rate_limited.html", {**context, "job": job, "retry_after": limited.retry_after}, status=429
    )
    response["Retry-After"] = str(limited.retry_after)
    return response


@require_GET
def credential_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/credential_list.html", {"credentials": request.user.credentials.all()})


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("secret")
def credential_add(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CredentialForm(request.POST, request=request)
        if form.is_valid():
            credential = form.save()
            audit.record(audit.Action.CREDENTIAL_CREATED, request, target=audit.describe(credential))
            messages.success(request, _("Saved credential “%(name)s”.") % {"name": credential.name})
            return redirect("credential-list")
    else:
        form = CredentialForm(request=request, initial=_prefill(request))
    return render(request, "jobs/credential_form.html", {"form": form}, status=400 if form.errors else 200)


def _describe_changes(form: CredentialForm) -> str:
    """Names of the changed fields, never their values for secrets."""
    changed = [name for name in form.changed_data if name not in ("secret", "current_password")]
    if form.cleaned_data.get("secret"):
        changed.append("secret replaced")
    return ", ".join(changed) or "no changes"


def _prefill(request: HttpRequest) -> dict[str, str]:
    """A link from a shared job page carries the project id; use it only if it is one."""
    project_id = request.GET.get("project_id", "").strip().lower()
    try:
        validate_project_id(project_id)
    except ValidationError:
        return {}
    return {"project_id": project_id}


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("secret", "current_password")
def credential_edit(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _get_credential_for_user(request, pk)
    stored = audit.describe(credential)  # before validation copies the submitted values onto it
    form = CredentialForm(request.POST if request.method == "POST" else None, instance=credential, request=request)
    if request.method == "POST":
        if form.is_valid():
            changes = _describe_changes(form)
            form.save()
            audit.record(audit.Action.CREDENTIAL_CHANGED, request, target=audit.describe(credential), detail=changes)
            messages.success(request, _("Saved credential “%(name)s”.") % {"name": credential.name})
            return redirect("credential-list")
        if "current_password" in form.errors:
            audit.record(
                audit.Action.CREDENTIAL_CHANGED,
                request,
                target=stored,
                success=False,
                detail="refused: wrong or missing dashboard password for replacing the secret",
            )
    context = {"form": form, "credential": credential}
    return render(request, "jobs/credential_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def credential_delete(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _get_credential_for_user(request, pk)
    if request.method == "POST":
        target = audit.describe(credential)
        credential.delete()
        audit.record(audit.Action.CREDENTIAL_DELETED, request, target=target)
        messages.success(request, _("Deleted credential “%(name)s”.") % {"name": credential.name})
        return redirect("credential-list")
    return render(request, "jobs/credential_confirm_delete.html", {"credential": credential})


@require_POST
def credential_test(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _get_credential_for_user(request, pk)
    try:
        error = services.check_connection(credential)
    except SecretUnreadable as unreadable:
        audit.record(
            audit.Action.CREDENTIAL_TESTED,
            request,
            target=audit.describe(credential),
            success=False,
            detail="the stored secret cannot be decrypted",
        )
        return _secret_unreadable(request, credential, unreadable)
    audit.record(
        audit.Action.CREDENTIAL_TESTED,
        request,
        target=audit.describe(credential),
        success=error is None,
        detail=str(error) if error else "",
    )
    if error is None:
        messages.success(request, _("“%(name)s”: connected to ModelArts.") % {"name": credential.name})
    else:
        explanation = services.explain(error)
        messages.error(
            request, _("“%(name)s”: %(explanation)s") % {"name": credential.name, "explanation": explanation}
        )
    return redirect("credential-list")
