"""The API tokens page: /settings/api-tokens/. Login is required (LoginRequiredMiddleware).

A new token is shown once, in the answer to the POST that made it: it is not put in the session or a
message to survive a redirect, because then it would be stored somewhere. Only its hash is kept.
"""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from audit import log as audit
from dashboard.http import AuthenticatedHttpRequest

from .limits import check_room_for_api_token
from .models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        strip=True,
        help_text=gettext_lazy("What the token is for, e.g. the script or machine that uses it."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        required=False,  # read only unless chosen otherwise
        help_text=gettext_lazy("Read and write lets the token's scripts create, stop, restart, edit and delete jobs."),
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_scope(self) -> str:
        return self.cleaned_data["scope"] or ApiToken.Scope.READ

    def clean(self):
        check_room_for_api_token(self.owner)
        return super().clean()


def _get_token_for_user(request: HttpRequest, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk, owner=request.user)


@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list, the form for a new token, and, right after creating one, its only showing."""
    created = plaintext = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST, owner=request.user)
        if form.is_valid():
            created, plaintext = ApiToken.issue(request.user, form.cleaned_data["name"], form.cleaned_data["scope"])
            audit.record(audit.Action.API_TOKEN_CREATED, request, target=str(created))
            form = ApiTokenForm(owner=request.user)
    else:
        form = ApiTokenForm(owner=request.user)
    context = {
        "tokens": request.user.api_tokens.all(),
        "form": form,
        "created": created,
        "plaintext": plaintext,
    }
    response = render(request, "accounts/api_tokens.html", context, status=400 if form.errors else 200)
    add_never_cache_headers(response)  # the page with the token must not come back from a cache or history
    return response


@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """A GET asks for confirmation (the page without JavaScript; with it, the tokens page asks in a dialog),
    a POST revokes: scripts using the token are refused from the next request on."""
    token = _get_token_for_user(request, pk)
    if request.method == "GET":
        return render(request, "accounts/api_token_revoke.html", {"token": token})
    token.delete()
    audit.record(audit.Action.API_TOKEN_REVOKED, request, target=str(token))
    text = _("Revoked the token “%(name)s”: scripts using it are refused from now on.") % {"name": token.name}
    messages.success(request, text)
    return redirect("api-tokens")
