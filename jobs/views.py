"""Job pages: the overview, a project's list, lookup, a job's details and the actions on it. Login is required
everywhere (LoginRequiredMiddleware); a project is looked up among the viewer's own credentials only, so another
user's answer 404 and existence never leaks. Actions also need the permission (``operator_required``).
"""

from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.crypto import SecretUnreadable
from accounts.models import Credential
from accounts.views import secret_unreadable
from audit import log as audit
from dashboard.http import AuthenticatedHttpRequest
from modelarts.client import VisualizationJob
from modelarts.errors import ModelArtsError, NotFound

from . import actions, details, failures, listing, lookup_limit, policies, refresh, tasks, upstream_limit
from .forms import AutoStopForm, DescriptionForm, LookupForm, NewJobForm
from .listing import JobList, ListQueryForm
from .models import NEWEST_FIRST, AutoStopPolicy, CachedJob
from .status import GROUPS, STOPPABLE_STATUSES, status_for

MAX_BULK_STOP = 50  # jobs one "stop selected" request stops: each is a call to ModelArts while the person waits


def _no_credential(request: HttpRequest, project_id: str) -> HttpResponse:
    return render(request, "jobs/no_credential.html", {"project_id": project_id}, status=404)


def _list_page(request: HttpRequest, template: str, listed: JobList, context: dict) -> HttpResponse:
    """The overview or a project's page around its list; a 400 for a query string it cannot use."""
    if listed.page is None:
        return render(request, template, {**context, "list_form": listed.form}, status=400)
    listing_context = {
        "list_form": listed.form,
        "query": listed.query,
        "page": listed.page,
        "total": listed.total,
        "unfetched": listed.unfetched,
    }
    return render(request, template, {**context, **listing_context})


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Overview: every project with counts per status group, and one combined list across projects."""
    credentials = list(Credential.objects.for_user(request.user).select_related("auto_stop"))
    jobs = CachedJob.objects.for_user(request.user)
    listed = listing.list_jobs(jobs.select_related("credential"), request.GET, ListQueryForm, credentials)
    counts: defaultdict[int, dict[str, int]] = defaultdict(dict)
    rows = jobs.values_list("credential_id", "status_group").annotate(count=Count("pk")).order_by()
    for credential_id, group, count in rows:
        counts[credential_id][group] = count
    projects: list[dict[str, Any]] = [
        {"credential": credential, "state": listed.states.get(credential.pk), "counts": counts[credential.pk]}
        for credential in credentials
    ]
    context = {
        "credentials": credentials,
        "projects": projects,
        # Lists on their way for the first time: the combined list says so rather than that it is empty.
        "first_fetches": [project for project in projects if project["state"] and project["state"].first_fetch],
        "groups": GROUPS,
        "form": LookupForm(credentials=credentials),
        # The auto-stop policies: whether each acts and what it fails to stop, and their latest stops.
        **_policies_overview(request, credentials),
        "can_act": actions.enabled_for(request.user),  # "New job" beside each project
    }
    return _list_page(request, "jobs/home.html", listed, context)


def _policies_overview(request: AuthenticatedHttpRequest, credentials: list[Credential]) -> dict[str, Any]:
    """The user's auto-stop policies (read with the credentials), whether they act, how many jobs each fails to
    stop, and their latest stops; no query at all for a user without policies."""
    found = [credential.auto_stop for credential in credentials if hasattr(credential, "auto_stop")]
    if not found:
        return {}
    failing = policies.failing_counts(found)
    return {
        "policies": [{"policy": policy, "failing": failing.get(policy.pk, 0)} for policy in found],
        "policies_enforced": policies.enforced_for(request.user),
        "policy_stops": policies.recent_stops(request.user),
    }


@require_GET
def lookup(request: AuthenticatedHttpRequest) -> HttpResponse:
    credentials = list(Credential.objects.for_user(request.user))
    form = LookupForm(request.GET, credentials=credentials)
    if form.is_valid():
        return redirect("job-detail", project_id=form.cleaned_data["project_id"], job_id=form.cleaned_data["job_id"])
    return render(request, "jobs/lookup.html", {"form": form, "credentials": credentials}, status=400)


@require_GET
def project_jobs(request: AuthenticatedHttpRequest, project_id: str) -> HttpResponse:
    """The project's cached list, refreshed first when stale; a failed refresh shows beside the last list, and
    its auto-stop policy (read with the credential: the page has no query to spare) above it."""
    credential = Credential.objects.select_related("auto_stop").for_project(request.user, project_id)
    if credential is None:
        return _no_credential(request, project_id)
    listed = listing.list_jobs(credential.cached_jobs.all(), request.GET, ListQueryForm, [credential])
    state = listed.states.get(credential.pk)
    credentials = list(Credential.objects.for_user(request.user))
    context = {
        "credential": credential,
        "state": state,
        "form": LookupForm(credentials=credentials, initial={"project_id": project_id}),
        "auto_stop": getattr(credential, "auto_stop", None),
        "can_act": actions.enabled_for(request.user),  # "New job", the auto-stop policy, stopping jobs from the list
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


def job_id_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The site's own 404 page for a job's address whose id no job can have, before anything else is checked.

    Those addresses take any text as the job id (converters.AnyJobIdConverter): an address that does not
    resolve would get Django's technical 404 page, listing every URL pattern, whenever DEBUG is on.
    """

    @wraps(view)
    def checked(request: HttpRequest, *args, job_id: int | str, **kwargs) -> HttpResponse:
        if isinstance(job_id, str):
            return render(request, "404.html", status=404)
        return view(request, *args, job_id=job_id, **kwargs)

    return checked


@require_GET
@job_id_required
def job_detail(request: AuthenticatedHttpRequest, project_id: str, job_id: int) -> HttpResponse:
    """The job as ModelArts reports it, and how fresh that is."""
    credential = Credential.objects.for_project(request.user, project_id)
    if credential is None:
        return _no_credential(request, project_id)
    # The stable address to share: no query string, the cloud project id rather than a database id.
    page_url = request.build_absolute_uri(reverse("job-detail", args=[project_id, job_id]))
    context = {"credential": credential, "job_id": job_id, "page_url": page_url}
    try:
        job = details.get_job(credential, job_id)
    except (ModelArtsError, SecretUnreadable, lookup_limit.LookupRateLimited, upstream_limit.UpstreamBusy) as error:
        return _lookup_failed(request, context, error)
    recent = actions.recent(project_id, job_id)
    following = actions.following(recent, job.status)
    name = job.job_name or str(job.job_id)
    context.update(
        job=job,
        recent_actions=recent,
        following=following,
        # Buttons for what the status ModelArts just reported allows (a page showing stored data offers none: its
        # status may no longer be true), and a dialog for every action, since the buttons change with the status.
        controls=actions.offered(request.user, job.status),
        dialogs=[_confirmation(operation, name, job) for operation in actions.job_operations(request.user)],
        # A job that can still change is followed by the page (static/js/live.js); a finished one is not.
        live=bool(following) or not status_for(job.status).terminal,
    )
    return render(request, "jobs/job_detail.html", context)


def _confirmation(
    operation: actions.Operation, name: str, job: VisualizationJob | None, form: DescriptionForm | None = None
) -> dict:
    """What asks for the action: its question naming the job, and for "edit" the form (the job's description
    in it, or the one sent back with errors)."""
    if operation.name == "edit" and form is None:
        form = DescriptionForm(initial={"job_desc": job.job_desc if job else ""})
    return {"operation": operation, "question": str(operation.question) % {"name": name}, "form": form}


def _lookup_failed(request: HttpRequest, context: dict, error: failures.Explainable) -> HttpResponse:
    """A job lookup's failure as a page, with the status failures.FAILURES gives it. A ModelArts failure shows
    on the job's page, beside the cached row if there is one; a wait shows when to try again (Retry-After).

    When this process already waits on ModelArts for as many requests as it lets wait (UpstreamBusy), nothing
    was asked and nothing waited: the page shows the cached row, saying it is the list's, as a whole page
    (200); without one it is the failure, a 503 with Retry-After.

    Such pages follow the job (live), so that they show it once ModelArts answers again; but not a job ModelArts
    does not know and the dashboard never listed: asking again would only use up the viewer's lookups. That
    page offers the lookup form instead of "Try again", for an id typed wrong.
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
    if job is not None:
        context["recent_actions"] = actions.recent(context["credential"].project_id, job.job_id)
    if isinstance(error, upstream_limit.UpstreamBusy) and job is not None:
        context.update(job=job, busy=True, stale=True, live=True)
        return render(request, "jobs/job_detail.html", context)
    not_found = isinstance(error, NotFound)
    listed = job is not None
    context.update(error=error, job=job, not_found=not_found, stale=listed and not not_found)
    context["live"] = listed or not not_found
    if not_found and job is None:
        credentials = list(Credential.objects.for_user(request.user))
        initial = {"project_id": context["credential"].project_id, "job_id": context["job_id"]}
        context["form"] = LookupForm(credentials=credentials, initial=initial)
    response = render(request, "jobs/job_detail.html", context, status=explanation.status)
    if isinstance(error, upstream_limit.UpstreamBusy):
        response["Retry-After"] = str(error.retry_after)
    return response


def _get_credential_for_user(request: HttpRequest, project_id: str) -> Credential:
    """The viewer's own credential for the project; 404 without one (another user's project included)."""
    credential = Credential.objects.for_project(request.user, project_id)
    if credential is None:
        raise Http404(_("You have no credential for this project."))
    return credential


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Actions only where the deployment allows them (JOB_ACTIONS_ENABLED) and for users with the permission
    jobs.operate_visualization_jobs; anyone else gets 403 on the confirmation page and on the POST alike.

    A 403 rather than a 404 when actions are off: the address and the job exist, and the page can say why the
    action is refused (a read-only deployment, or the permission to ask an administrator for).
    """

    @wraps(view)
    def checked(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        refusal = actions.refusal_for(request.user)
        if refusal is not None:
            raise PermissionDenied(refusal.message)
        return view(request, *args, **kwargs)

    return checked


@require_http_methods(["GET", "POST"])
@job_id_required
@operator_required
def job_stop(request: AuthenticatedHttpRequest, project_id: str, job_id: int) -> HttpResponse:
    return _job_action(request, project_id, job_id, actions.OPERATIONS["stop"])


@require_http_methods(["GET", "POST"])
@job_id_required
@operator_required
def job_restart(request: AuthenticatedHttpRequest, project_id: str, job_id: int) -> HttpResponse:
    return _job_action(request, project_id, job_id, actions.OPERATIONS["restart"])


@require_http_methods(["GET", "POST"])
@job_id_required
@operator_required
def job_delete(request: AuthenticatedHttpRequest, project_id: str, job_id: int) -> HttpResponse:
    return _job_action(request, project_id, job_id, actions.OPERATIONS["delete"])


@require_http_methods(["GET", "POST"])
@job_id_required
@operator_required
def job_edit(request: AuthenticatedHttpRequest, project_id: str, job_id: int) -> HttpResponse:
    """The description's form; a POST with a valid one changes it (one too long is never sent)."""
    credential = _get_credential_for_user(request, project_id)
    operation = actions.OPERATIONS["edit"]
    if request.method == "POST":
        form = DescriptionForm(request.POST)
        if form.is_valid():
            outcome = actions.perform(request, credential, job_id, operation, form.cleaned_data["job_desc"])
            return _after_action(request, credential, outcome)
        return _confirmation_page(request, credential, job_id, operation, form)
    return _confirmation_page(request, credential, job_id, operation)


def _job_action(
    request: AuthenticatedHttpRequest, project_id: str, job_id: int, operation: actions.Operation
) -> HttpResponse:
    """A GET confirms (the page without JavaScript), a POST acts. The POST asks ModelArts whatever the page
    showed: the status the dashboard saw may be seconds old, and a refusal is explained."""
    credential = _get_credential_for_user(request, project_id)
    if request.method == "POST":
        return _after_action(request, credential, actions.perform(request, credential, job_id, operation))
    return _confirmation_page(request, credential, job_id, operation)


def _confirmation_page(
    request: AuthenticatedHttpRequest,
    credential: Credential,
    job_id: int,
    operation: actions.Operation,
    form: DescriptionForm | None = None,
) -> HttpResponse:
    """Names the job and says what the action does; in a status where ModelArts refuses it, says so instead
    (409). A form sent back with errors (400) shows what the dashboard knows of the job without asking again."""
    context: dict = {"credential": credential, "job_id": job_id}
    if form is not None:
        known = details.known_job(credential, job_id)
        name = known.job_name if known and known.job_name else str(job_id)
        context.update(confirmation=_confirmation(operation, name, None, form), allowed=True)
        return render(request, "jobs/job_action.html", context, status=400)
    context["page_url"] = request.build_absolute_uri(reverse("job-detail", args=[credential.project_id, job_id]))
    try:
        job = details.get_job(credential, job_id)
    except (ModelArtsError, SecretUnreadable, lookup_limit.LookupRateLimited, upstream_limit.UpstreamBusy) as error:
        return _lookup_failed(request, context, error)
    allowed = operation in actions.offered(request.user, job.status)
    context.update(job=job, confirmation=_confirmation(operation, job.job_name or str(job_id), job), allowed=allowed)
    return render(request, "jobs/job_action.html", context, status=200 if allowed else 409)


def _after_action(request: HttpRequest, credential: Credential, outcome: actions.Outcome) -> HttpResponse:
    """Back to the job's page (POST, redirect, GET: a reload asks nothing again), or after a deletion to the
    project's list, with a message saying what was asked, by whom and when, and how it went."""
    if isinstance(outcome.error, SecretUnreadable):
        return secret_unreadable(request, credential, outcome.error)
    if outcome.explanation is not None:
        messages.error(request, _action_failed(outcome, outcome.explanation))
    elif outcome.operation.follows:
        follow = _("This page follows the job until ModelArts shows the change.")
        messages.success(request, f"{outcome.requested} {follow}")
    else:
        messages.success(request, outcome.requested)
    if outcome.operation.name == "delete" and outcome.error is None:
        return redirect("project-jobs", project_id=credential.project_id)
    return redirect("job-detail", project_id=credential.project_id, job_id=outcome.job_id)


def _action_failed(outcome: actions.Outcome, explanation: failures.Explanation) -> str:
    """What was asked and why it failed. When ModelArts got the request but its answer was lost or unreadable,
    it may have acted even so: the message does not say "not done"."""
    words = {"requested": outcome.requested, "explanation": explanation}
    if actions.may_have_acted(outcome.error):
        return (
            _(
                "%(requested)s Not confirmed: %(explanation)s ModelArts may have done it even so: the job's status "
                "shows whether it did."
            )
            % words
        )
    return _("%(requested)s Not done: %(explanation)s") % words


@require_http_methods(["GET", "POST"])
@operator_required
def auto_stop(request: AuthenticatedHttpRequest, project_id: str) -> HttpResponse:
    """The project's auto-stop policy, for the owner of its credential (jobs/policies.py enforces it with that
    credential). A POST first previews: the running jobs the policy would stop now, from the cached list, whose
    age the page says; the preview's own POST (``save``) saves it, audited, and comes back here."""
    credential = _get_credential_for_user(request, project_id)
    policy = AutoStopPolicy.objects.filter(credential=credential).first()
    if request.method != "POST":
        return _auto_stop_page(request, credential, policy, AutoStopForm(initial={"hours": policy and policy.hours}))
    form = AutoStopForm(request.POST)
    if not form.is_valid():
        return _auto_stop_page(request, credential, policy, form, status=400)
    hours = form.cleaned_data["hours"]
    if "save" in request.POST:
        _save_auto_stop(request, credential, policy, hours)
        return redirect("auto-stop", project_id=project_id)
    preview = {"hours": hours, "jobs": list(policies.over_limit(credential.pk, hours, timezone.now())) if hours else []}
    return _auto_stop_page(request, credential, policy, form, preview=preview)


def _auto_stop_page(
    request: AuthenticatedHttpRequest,
    credential: Credential,
    policy: AutoStopPolicy | None,
    form: AutoStopForm,
    *,
    preview: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The form, the preview if asked for, and what the policy did: the jobs it is failing to stop (each tried
    again after its back-off) and its latest stops."""
    context = {
        "credential": credential,
        "policy": policy,
        "form": form,
        "preview": preview,
        "state": refresh.list_state(credential),
        "failures": list(policy.failures.all()) if policy else [],
        "recent_stops": policies.recent_stops(request.user, credential.project_id),
        "max_stops_per_run": settings.AUTO_STOP_MAX_STOPS_PER_RUN,
    }
    return render(request, "jobs/auto_stop.html", context, status=status)


def _save_auto_stop(
    request: AuthenticatedHttpRequest, credential: Credential, policy: AutoStopPolicy | None, hours: int | None
) -> None:
    """Set, change or remove the policy, audited with the hours before and after."""
    if hours is None:
        if policy is None:
            messages.info(request, _("This project has no auto-stop policy."))
            return
        policy.delete()
        action, detail = audit.Action.AUTO_STOP_REMOVED, f"was {policy.hours} h"
        said = _("The auto-stop policy is off: it stops no job any more.")
    else:
        if policy is None:
            AutoStopPolicy.objects.create(credential=credential, hours=hours)
            action, detail = audit.Action.AUTO_STOP_SET, f"{hours} h"
        else:
            action, detail = audit.Action.AUTO_STOP_CHANGED, f"{policy.hours} h -> {hours} h"
            policy.hours = hours
            policy.save(update_fields=["hours", "updated"])
        said = _("Saved: visualization jobs running longer than %(hours)d h are stopped.") % {"hours": hours}
    audit.record(action, request, target=audit.describe(credential), detail=detail, project_id=credential.project_id)
    messages.success(request, said)


@require_http_methods(["GET", "POST"])
@operator_required
def job_new(request: AuthenticatedHttpRequest, project_id: str) -> HttpResponse:
    """The "New job" form; a valid one is sent to ModelArts once, and the person lands on the new job's page,
    which follows it until it runs. What ModelArts refuses is explained above the form, which keeps its values."""
    credential = _get_credential_for_user(request, project_id)
    if request.method == "GET":
        return _new_job_page(request, credential, NewJobForm(initial={"token": uuid4()}))
    form = NewJobForm(request.POST)
    if not form.is_valid():
        return _new_job_page(request, credential, form, status=400)
    data = form.cleaned_data
    job = actions.NewJob(data["job_name"], data["train_url"], data["job_type"], data["job_desc"], form.autostop_hours)
    try:
        outcome = actions.create(request, credential, data["token"], job)
    except actions.AlreadySent as sent:
        if sent.job_id is None:
            form.add_error(
                None, _("This form is being sent already: wait a moment, then look for the job in the list.")
            )
            return _new_job_page(request, credential, form, status=409)
        messages.info(request, _("This form was sent before: this is the job it created."))
        return redirect("job-detail", project_id=credential.project_id, job_id=sent.job_id)
    if isinstance(outcome.error, SecretUnreadable):
        return secret_unreadable(request, credential, outcome.error)
    if outcome.explanation is not None:
        form.add_error(None, _creation_failed(job.name, outcome.error, outcome.explanation))
        return _new_job_page(request, credential, form, status=outcome.explanation.status)
    return _after_action(request, credential, outcome)


def _creation_failed(name: str, error: Exception | None, explanation: failures.Explanation) -> str:
    """What became of a creation that failed. When ModelArts got the request but its answer was lost or
    unreadable, the job may exist, and this form will not send it again (actions.create)."""
    if actions.may_have_acted(error):
        return _(
            "ModelArts did not confirm the job: %(explanation)s It may have been created even so: look for "
            "“%(name)s” in the project's list before creating it again."
        ) % {"explanation": explanation, "name": name}
    return _("ModelArts did not create the job: %(explanation)s") % {"explanation": explanation}


def _new_job_page(request: HttpRequest, credential: Credential, form: NewJobForm, status: int = 200) -> HttpResponse:
    context = {"credential": credential, "form": form, "operation": actions.OPERATIONS["create"]}
    return render(request, "jobs/job_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
@operator_required
def project_stop(request: AuthenticatedHttpRequest, project_id: str) -> HttpResponse:
    """Stop several jobs of the project. A GET confirms, listing the jobs chosen on the list page (``job``, one
    per job) or every long-running one (``long_running``); the POST stops the jobs the confirmation listed.

    Only jobs in the cached list whose status allows a stop are listed, at most MAX_BULK_STOP of them, since
    the POST asks ModelArts once per job while the person waits. Each stop is an action of its own
    (actions.perform: audited, its row updated); the list page then says which were stopped and which refused.
    """
    credential = _get_credential_for_user(request, project_id)
    if request.method == "POST":
        return _stop_jobs(request, credential, _stoppable(credential, request.POST.getlist("job"), False))
    long_running = listing.is_yes(request.GET.get("long_running", ""))
    jobs = _stoppable(credential, request.GET.getlist("job"), long_running)
    context = {
        "credential": credential,
        "jobs": jobs[:MAX_BULK_STOP],
        "more": len(jobs) > MAX_BULK_STOP,
        "limit": MAX_BULK_STOP,
        "long_running": long_running,
        "operation": actions.OPERATIONS["stop"],
    }
    return render(request, "jobs/bulk_stop.html", context, status=200 if jobs else 400)


def _stoppable(credential: Credential, chosen: list[str], long_running: bool) -> list[CachedJob]:
    """The chosen jobs (or the long-running ones) of the cached list that can be stopped, newest first, up to
    one more than MAX_BULK_STOP (so that the page can say there were more). Ids that are no job's are ignored."""
    jobs = credential.cached_jobs.filter(status__in=STOPPABLE_STATUSES)
    if long_running:
        jobs = jobs.filter(status_group="running", running_since__lte=listing.long_running_since(timezone.now()))
    else:
        job_ids = [int(value) for value in chosen if value.isascii() and value.isdigit() and len(value) <= 19]
        jobs = jobs.filter(job_id__in=job_ids[: MAX_BULK_STOP + 1])
    return list(jobs.order_by(*NEWEST_FIRST)[: MAX_BULK_STOP + 1])


def _stop_jobs(request: AuthenticatedHttpRequest, credential: Credential, jobs: list[CachedJob]) -> HttpResponse:
    """Stop each job in turn and say, on the list page, which ModelArts accepted and which it refused (why)."""
    stop = actions.OPERATIONS["stop"]
    stopped: list[str] = []
    for job in jobs[:MAX_BULK_STOP]:
        outcome = actions.perform(request, credential, job.job_id, stop)
        if isinstance(outcome.error, SecretUnreadable):
            return secret_unreadable(request, credential, outcome.error)
        words = {"job": outcome.job_label, "explanation": outcome.explanation}
        if outcome.explanation is None:
            stopped.append(outcome.job_label)
        elif actions.may_have_acted(outcome.error):
            messages.error(
                request, _("%(job)s: the stop was not confirmed: %(explanation)s It may have stopped even so.") % words
            )
        else:
            messages.error(request, _("%(job)s was not stopped: %(explanation)s") % words)
    if stopped:
        messages.success(
            request,
            ngettext(
                "Stop requested for %(count)d job: %(jobs)s.",
                "Stop requested for %(count)d jobs: %(jobs)s.",
                len(stopped),
            )
            % {"count": len(stopped), "jobs": ", ".join(stopped)},
        )
    elif not jobs:
        messages.info(request, _("None of the chosen jobs can be stopped now: nothing was asked of ModelArts."))
    return redirect("project-jobs", project_id=credential.project_id)
