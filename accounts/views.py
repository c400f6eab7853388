"""Credential pages: list, add, edit, delete and test. Login is required everywhere
(LoginRequiredMiddleware); each view that takes a credential id looks it up through
``_get_credential_for_user``, so another user's credentials answer 404 and their existence never leaks.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import log as audit
from dashboard.http import AuthenticatedHttpRequest
from jobs import clients, failures, lookup_limit, upstream_limit

from .crypto import SecretUnreadable
from .forms import CredentialForm
from .models import Credential, validate_project_id


def _get_credential_for_user(request: HttpRequest, pk: int) -> Credential:
    return get_object_or_404(Credential.objects.for_user(request.user), pk=pk)


def secret_unreadable(request: HttpRequest, credential: Credential, error: SecretUnreadable) -> HttpResponse:
    """The page for a credential whose secret is missing or cannot be decrypted: it says how to fix it, and
    where the secret would go. A missing one is a conflict (409) that only its owner resolves, and retrying
    never helps; one that cannot be decrypted (503) the people who run the dashboard can restore."""
    context = {"credential": credential, "message": str(error), "endpoints": clients.endpoints(credential)}
    return render(request, "accounts/secret_unreadable.html", context, status=failures.explain(error).status)


@require_GET
def credential_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = [(credential, _last_failure(credential)) for credential in Credential.objects.for_user(request.user)]
    return render(request, "accounts/credential_list.html", {"rows": rows})


def _last_failure(credential: Credential) -> failures.Explanation | None:
    """The last test's failure as the failure table tells it; None after a success, or for a failure stored
    before its kind was (its message alone is shown)."""
    if credential.last_check_ok is not False or not credential.last_check_kind:
        return None
    stored = credential.last_check_kind, credential.last_check_code, credential.last_check_message
    return failures.explain_stored(*stored)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("secret")
def credential_add(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CredentialForm(request.POST, request=request)
        if form.is_valid():
            credential = form.save()
            audit.record(audit.Action.CREDENTIAL_CREATED, request, target=audit.describe(credential))
            messages.success(request, _("Saved credential “%(name)s”.") % {"name": credential.name})
            _test_after_saving(request, form, credential)
            return redirect("credential-list")
    else:
        form = CredentialForm(request=request, initial=_prefill(request))
    return render(request, "accounts/credential_form.html", {"form": form}, status=400 if form.errors else 200)


def _describe_changes(form: CredentialForm) -> str:
    """Names of the changed fields, never their values for secrets."""
    changed = [name for name in form.changed_data if name not in ("secret", "current_password", "test_connection")]
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
            _test_after_saving(request, form, credential)
            return redirect("credential-list")
        if "current_password" in form.errors:
            audit.record(
                audit.Action.CREDENTIAL_CHANGED,
                request,
                target=stored,
                success=False,
                detail="refused: wrong or missing dashboard password for entering a secret",
            )
    context = {"form": form, "credential": credential, "endpoints": clients.endpoints(credential)}
    return render(request, "accounts/credential_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def credential_delete(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _get_credential_for_user(request, pk)
    if request.method == "POST":
        target = audit.describe(credential)
        credential.delete()
        audit.record(audit.Action.CREDENTIAL_DELETED, request, target=target)
        messages.success(request, _("Deleted credential “%(name)s”.") % {"name": credential.name})
        return redirect("credential-list")
    return render(request, "accounts/credential_confirm_delete.html", {"credential": credential})


@require_POST
def credential_test(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _get_credential_for_user(request, pk)
    try:
        _test_and_tell(request, credential)
    except SecretUnreadable as unreadable:
        return secret_unreadable(request, credential, unreadable)
    return redirect("credential-list")


def _test_after_saving(request: HttpRequest, form: CredentialForm, credential: Credential) -> None:
    """A wrong key is found as it is saved, not at the next page view. The credential stays saved whatever
    the test says: the credentials page shows what is wrong, and the form is a click away."""
    if not form.cleaned_data.get("test_connection"):
        return
    try:
        _test_and_tell(request, credential)
    except SecretUnreadable as unreadable:  # a stored secret kept while the keys were rotated without it
        messages.error(request, _not_tested_message(credential, unreadable))


def _test_and_tell(request: HttpRequest, credential: Credential) -> None:
    """Tests the credential as its "Test connection" button does, within the same limits (the owner's lookup
    bucket, the upstream slots), and tells the outcome as a message for the credentials page; raises
    SecretUnreadable, audited, for the caller to tell."""
    try:
        explanation = clients.check_connection(credential)
    except SecretUnreadable:
        audit.record(
            audit.Action.CREDENTIAL_TESTED,
            request,
            target=audit.describe(credential),
            success=False,
            detail="the stored secret cannot be decrypted",
        )
        raise
    except lookup_limit.LookupRateLimited as limited:
        messages.error(request, _rate_limited_message(credential, limited))
        return
    except upstream_limit.UpstreamBusy as busy:
        messages.error(request, _not_tested_message(credential, busy))
        return
    audit.record(
        audit.Action.CREDENTIAL_TESTED,
        request,
        target=audit.describe(credential),
        success=explanation is None,
        detail=explanation.message if explanation else "",
    )
    if explanation is None:
        messages.success(request, _("“%(name)s”: connected to ModelArts.") % {"name": credential.name})
    else:
        messages.error(
            request, _("“%(name)s”: %(explanation)s") % {"name": credential.name, "explanation": explanation}
        )


def _not_tested_message(credential: Credential, error: SecretUnreadable | upstream_limit.UpstreamBusy) -> str:
    explanation = failures.explain(error)
    return _("“%(name)s”: not tested. %(title)s %(advice)s") % {
        "name": credential.name,
        "title": explanation.translated_title,
        "advice": explanation.translated_advice,
    }


def _rate_limited_message(credential: Credential, limited: lookup_limit.LookupRateLimited) -> str:
    text = ngettext(
        "“%(name)s”: not tested. You have sent ModelArts many requests in a short time; try again in "
        "%(seconds)d second.",
        "“%(name)s”: not tested. You have sent ModelArts many requests in a short time; try again in "
        "%(seconds)d seconds.",
        limited.retry_after,
    )
    return text % {"name": credential.name, "seconds": limited.retry_after}
