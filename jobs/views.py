"""Views. Login is required everywhere (LoginRequiredMiddleware); each view that takes an object id looks
it up through a ``_get_*_for_user`` helper, so another user's objects answer 404 and existence never leaks.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .crypto import SecretUnreadable
from .forms import CredentialForm, LookupForm
from .modelarts.errors import ModelArtsError
from .models import Credential, validate_project_id


def _get_credential_for_user(request: HttpRequest, pk: int) -> Credential:
    return get_object_or_404(Credential, pk=pk, owner=request.user)


def _get_project_credential_for_user(request: HttpRequest, project_id: str) -> Credential | None:
    """The viewer's own credential for a project: a shared link opens with the viewer's own keys."""
    return Credential.objects.filter(owner=request.user, project_id=project_id).first()


def _no_credential(request: HttpRequest, project_id: str) -> HttpResponse:
    return render(request, "jobs/no_credential.html", {"project_id": project_id}, status=404)


def _secret_unreadable(request: HttpRequest, credential: Credential, error: SecretUnreadable) -> HttpResponse:
    context = {"credential": credential, "message": str(error)}
    return render(request, "jobs/secret_unreadable.html", context, status=503)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    credentials = list(request.user.credentials.all())
    context = {"credentials": credentials, "form": LookupForm(credentials=credentials)}
    return render(request, "jobs/home.html", context)


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    credentials = list(request.user.credentials.all())
    form = LookupForm(request.GET, credentials=credentials)
    if form.is_valid():
        return redirect("job-detail", project_id=form.cleaned_data["project_id"], job_id=form.cleaned_data["job_id"])
    return render(request, "jobs/lookup.html", {"form": form, "credentials": credentials}, status=400)


@require_GET
def project_jobs(request: HttpRequest, project_id: str) -> HttpResponse:
    credential = _get_project_credential_for_user(request, project_id)
    if credential is None:
        return _no_credential(request, project_id)
    credentials = list(request.user.credentials.all())
    form = LookupForm(credentials=credentials, initial={"project_id": project_id})
    return render(request, "jobs/project.html", {"credential": credential, "form": form})


@require_GET
def job_detail(request: HttpRequest, project_id: str, job_id: int) -> HttpResponse:
    credential = _get_project_credential_for_user(request, project_id)
    if credential is None:
        return _no_credential(request, project_id)
    context = {"credential": credential, "job_id": job_id}
    try:
        context["job"] = services.get_job(credential, job_id)
    except SecretUnreadable as error:
        return _secret_unreadable(request, credential, error)
    except ModelArtsError as error:
        context["error"] = error
        return render(request, "jobs/job_detail.html", context, status=error.page_status)
    return render(request, "jobs/job_detail.html", context)


@require_GET
def credential_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/credential_list.html", {"credentials": request.user.credentials.all()})


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("secret")
def credential_add(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CredentialForm(request.POST, owner=request.user)
        if form.is_valid():
            credential = form.save()
            messages.success(request, f"Saved credential “{credential.name}”.")
            return redirect("credential-list")
    else:
        form = CredentialForm(owner=request.user, initial=_prefill(request))
    return render(request, "jobs/credential_form.html", {"form": form}, status=400 if form.errors else 200)


def _prefill(request: HttpRequest) -> dict[str, str]:
    """A link from a shared job page carries the project id; use it only if it is one."""
    project_id = request.GET.get("project_id", "").strip().lower()
    try:
        validate_project_id(project_id)
    except ValidationError:
        return {}
    return {"project_id": project_id}


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("secret")
def credential_edit(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _get_credential_for_user(request, pk)
    form = CredentialForm(request.POST or None, instance=credential, owner=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved credential “{credential.name}”.")
        return redirect("credential-list")
    context = {"form": form, "credential": credential}
    return render(request, "jobs/credential_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def credential_delete(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _get_credential_for_user(request, pk)
    if request.method == "POST":
        credential.delete()
        messages.success(request, f"Deleted credential “{credential.name}”.")
        return redirect("credential-list")
    return render(request, "jobs/credential_confirm_delete.html", {"credential": credential})


@require_POST
def credential_test(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _get_credential_for_user(request, pk)
    try:
        error = services.check_connection(credential)
    except SecretUnreadable as unreadable:
        return _secret_unreadable(request, credential, unreadable)
    if error is None:
        messages.success(request, f"“{credential.name}”: connected to ModelArts.")
    else:
        messages.error(request, f"“{credential.name}”: {error.title} {error} — {error.advice}")
    return redirect("credential-list")
