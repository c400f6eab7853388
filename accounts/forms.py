from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jobs import clients

from .limits import check_room_for_credential
from .models import Credential
from .regions import region_choices
from .throttle import confirm_password


class RequestFormMixin:
    """A form whose checks need the request: whose password to confirm, from which client address."""

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request


class CredentialForm(RequestFormMixin, forms.ModelForm):
    """Secrets are write-only: the field is never prefilled, and left empty it keeps the stored one.

    Typing a secret for a saved credential takes the dashboard password, whether one is stored or an
    administrator cleared it; and where an administrator pointed the credential at other endpoints than its
    region's, it takes the owner's word that they trust those hosts with it (the page shows them).
    """

    secret = forms.CharField(
        label=_("Secret key or password"),
        strip=False,
        required=False,
        max_length=256,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("The secret key for AK/SK, or the IAM user's password."),
    )

    trust_endpoints = forms.BooleanField(
        label=_("I trust the endpoints an administrator set for this credential with my secret"),
        required=False,
        help_text=_("Needed to enter a secret: it will be used with the endpoints shown above."),
    )

    current_password = forms.CharField(
        label=_("Your dashboard password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "current-password"}),
        help_text=_("Needed to enter a secret."),
    )

    test_connection = forms.BooleanField(
        label=_("Test the connection after saving"),
        required=False,
        initial=True,
        help_text=_("Asks ModelArts for one job with these keys, so a wrong key or project id shows at once."),
    )

    # Fields that only one kind of authentication uses: the page groups them, and the other kind's are emptied.
    FIELDS_OF_KIND = {
        Credential.AuthKind.AKSK: ("access_key",),
        Credential.AuthKind.PASSWORD: ("iam_domain", "iam_user"),
    }
    # Never sent back to the browser: after an error they are empty, and say so.
    WRITE_ONLY_FIELDS = {
        "secret": _("Type the secret again: it is never sent back to your browser, so an error empties this field."),
        "current_password": _(
            "Type your dashboard password again: it is never sent back to your browser, so an error empties this field."
        ),
    }

    class Meta:
        model = Credential
        fields = ["name", "region", "project_id", "auth_kind", "access_key", "iam_domain", "iam_user"]
        # Labels here rather than as the model's verbose names: translating them needs no migration.
        labels = {
            "name": _("Name"),
            "region": _("Region"),
            "project_id": _("Project id"),
            "auth_kind": _("Authentication"),
            "access_key": _("Access key"),
            "iam_domain": _("IAM domain (account) name"),
            "iam_user": _("IAM user name"),
        }
        widgets = {"auth_kind": forms.RadioSelect}
        help_texts = {
            "project_id": _(
                "In the Huawei Cloud console, “My Credentials” > “API Credentials” lists a project id for each "
                "region: take the one of the region chosen above."
            ),
        }
        error_messages = {"region": {"required": _("Choose the region of the project.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.owner = self.request.user
        if self.instance.has_secret:
            self.fields["secret"].help_text = _("A secret is stored. Leave this empty to keep it, or type a new one.")
        if self.instance.pk is None:  # nobody's secret to take over yet
            del self.fields["current_password"]
        if not (self.instance.modelarts_endpoint or self.instance.iam_endpoint):  # only staff set these
            del self.fields["trust_endpoints"]
        # A prompt that is no region rather than Django's "---------", nor a guess people might not notice.
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [("", _("Choose the region of the project")), *region_choices()]
        # The one secret field is the secret key or the password: the page's script names it after the choice.
        self.fields["secret"].widget.attrs.update(
            {"data-label-aksk": _("Secret key"), "data-label-password": _("IAM user's password")}
        )

    @property
    def auth_groups(self) -> list[dict]:
        """The fields of each kind of authentication, for the page's fieldsets; their legends say which kind
        each group is for, since without JavaScript every group shows."""
        legends = {
            Credential.AuthKind.AKSK: _("Only for access key and secret key (AK/SK) authentication"),
            Credential.AuthKind.PASSWORD: _("Only for IAM user name and password authentication"),
        }
        return [
            {"kind": kind.value, "legend": legends[kind], "fields": [self[name] for name in names]}
            for kind, names in self.FIELDS_OF_KIND.items()
        ]

    def full_clean(self) -> None:
        """After an error, a write-only field that was filled in comes back empty: its help says so."""
        super().full_clean()
        if not self.is_bound or not self.errors:  # set by now: this does not clean again
            return
        for name, notice in self.WRITE_ONLY_FIELDS.items():
            if name in self.fields and self.data.get(self.add_prefix(name)):
                self.fields[name].help_text = notice
                self[name].help_text = notice  # the bound field, made while cleaning, keeps its own copy

    def clean_project_id(self) -> str:
        project_id = self.cleaned_data["project_id"].strip().lower()
        others = Credential.objects.for_user(self.instance.owner).filter(project_id=project_id)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("You already have a credential for this project; edit that one instead."))
        return project_id

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        self._empty_fields_of_other_kinds(cleaned.get("auth_kind"))
        if self.instance.pk is None:  # editing one of the stored credentials is always possible
            check_room_for_credential(self.instance.owner)
        kind_changed = self.instance.pk and "auth_kind" in self.changed_data
        if not cleaned.get("secret") and (not self.instance.has_secret or kind_changed):
            self.add_error("secret", _("Enter the secret key or password."))
        if cleaned.get("secret") and self.instance.pk is not None:
            self._check_current_password(cleaned.get("current_password", ""))
            overridden = self._overridden_endpoints(cleaned.get("region"))
            if overridden and not cleaned.get("trust_endpoints"):
                message = _(
                    "An administrator pointed this credential at %(endpoints)s instead of its region's public "
                    "endpoints. Tick the box if you trust them with your secret; otherwise leave the secret "
                    "empty and ask the administrators why."
                )
                self.add_error("trust_endpoints", message % {"endpoints": ", ".join(overridden)})
        return cleaned

    def _empty_fields_of_other_kinds(self, kind: str | None) -> None:
        """Without JavaScript every group of fields shows: what was typed into the other kind's (or stored by
        it, before the kind changed) must not be kept beside the chosen one's, where it would mislead."""
        if kind is None:  # refused already
            return
        for other, names in self.FIELDS_OF_KIND.items():
            if other != kind:
                for name in names:
                    self.cleaned_data[name] = ""

    def _check_current_password(self, password: str) -> None:
        """Someone at an unlocked screen must not be able to swap the keys a teammate relies on, or put their
        own where an administrator cleared the secret, nor guess the password here without the login's
        lockout."""
        if not password:
            self.add_error("current_password", _("Enter your dashboard password to enter a secret."))
        elif not confirm_password(self.request, password):
            self.add_error("current_password", _("That is not your dashboard password."))

    def _overridden_endpoints(self, region: str | None) -> list[str]:
        """The endpoints set by an administrator that the secret would be used with, in the submitted region
        (an override may be the public host of one region and not of another)."""
        if region is None:  # refused already
            return []
        stored = self.instance
        candidate = Credential(
            region=region, modelarts_endpoint=stored.modelarts_endpoint, iam_endpoint=stored.iam_endpoint
        )
        return [endpoint.url for endpoint in clients.endpoints(candidate) if endpoint.overridden]

    def save(self, commit=True):
        if self.cleaned_data.get("secret"):
            self.instance.set_secret(self.cleaned_data["secret"])
        if self.cleaned_data.get("secret") or set(self.changed_data) & set(Credential.AUTH_FIELDS):
            # The last test was of other keys: "OK" must not stand for keys nobody has tested.
            self.instance.last_checked_at = None
            self.instance.last_check_ok = None
            self.instance.last_check_message = ""
            self.instance.last_check_kind = self.instance.last_check_code = ""
        return super().save(commit)
