"""A user's ways into ModelArts (credentials, secrets encrypted) and their personal API tokens."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelarts.regions import REGIONS, EndpointError, validate_endpoint
from modelarts.signing import fits_in_header

from . import crypto
from .regions import region_label

validate_project_id = RegexValidator(
    r"\A[0-9a-f]{32}\Z",
    _("A project id is 32 hexadecimal characters (see 'My Credentials > API Credentials' in the console)."),
)


def validate_endpoint_url(value: str) -> None:
    try:
        validate_endpoint(value)
    except EndpointError as exc:
        raise ValidationError(str(exc)) from exc


class CredentialQuerySet(models.QuerySet["Credential"]):
    """The lookups every request makes: a user only ever reaches their own credentials, so another user's
    project answers as if it did not exist."""

    def for_user(self, user) -> CredentialQuerySet:
        return self.filter(owner=user)

    def for_project(self, user, project_id: str) -> Credential | None:
        """The user's own credential for a project: a shared link opens with the viewer's own keys."""
        try:
            return self.get(owner=user, project_id=project_id)  # get(), not first(): no ORDER BY for one row
        except Credential.DoesNotExist:
            return None


class Credential(models.Model):
    """One user's way into one ModelArts project. The secret is encrypted and never shown again."""

    # What decides which account a request reaches, where, and with what secret. Whatever the old values
    # earned (a cached IAM token, cached job details) ends when any of them changes.
    AUTH_FIELDS = (
        "auth_kind",
        "region",
        "project_id",
        "access_key",
        "iam_domain",
        "iam_user",
        "secret_ciphertext",
        "modelarts_endpoint",
        "iam_endpoint",
    )

    class AuthKind(models.TextChoices):
        AKSK = "aksk", _("Access key and secret key")
        PASSWORD = "password", _("IAM user name and password")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials")
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=32, choices=[(region, region) for region in REGIONS])
    project_id = models.CharField(max_length=32, validators=[validate_project_id])
    auth_kind = models.CharField(max_length=10, choices=AuthKind.choices, default=AuthKind.AKSK)
    access_key = models.CharField(max_length=128, blank=True)
    iam_domain = models.CharField("IAM domain (account) name", max_length=128, blank=True)
    iam_user = models.CharField("IAM user name", max_length=128, blank=True)
    secret_ciphertext = models.TextField(editable=False)
    modelarts_endpoint = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_endpoint_url],
        help_text="Overrides the region's ModelArts endpoint (private deployments, the simulator). Admins only.",
    )
    iam_endpoint = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_endpoint_url],
        help_text="Overrides the region's IAM endpoint. Admins only.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True, blank=True)
    last_check_message = models.CharField(max_length=500, blank=True)
    last_check_kind = models.CharField(max_length=100, blank=True)  # the failure's class name, as lists keep it
    last_check_code = models.CharField(max_length=100, blank=True)  # ModelArts' error code, if it gave one

    objects = CredentialQuerySet.as_manager()

    class Meta:
        db_table = "jobs_credential"  # created by the jobs app, before credentials had an app of their own
        ordering = [Lower("name"), "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "project_id"], name="one_credential_per_owner_and_project"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.project_id})"

    @property
    def region_label(self) -> str:
        """ "CN North-Beijing4 (cn-north-4)", in the current language."""
        return region_label(self.region)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_ciphertext)

    @property
    def auth_version(self) -> str:
        """Changes whenever one of AUTH_FIELDS does (a new secret always changes the ciphertext), so cache
        keys that include it are never read again with other credentials."""
        values = json.dumps([getattr(self, field) for field in self.AUTH_FIELDS])
        return hashlib.sha256(values.encode()).hexdigest()[:16]

    def set_secret(self, plaintext: str) -> None:
        if not plaintext:
            raise ValueError("A secret cannot be empty.")
        self.secret_ciphertext = crypto.encrypt(plaintext)

    def get_secret(self) -> str:
        """The plaintext secret, for the one request that needs it; raises crypto.SecretUnreadable."""
        if not self.has_secret:
            raise crypto.SecretMissing(
                f"No secret is stored for credential '{self.name}' (#{self.pk}): it was cleared when an "
                "administrator changed the credential's endpoint. Enter the secret again."
            )
        return crypto.decrypt(self.secret_ciphertext, f"credential '{self.name}' (#{self.pk})")

    def clean(self) -> None:
        """An access key goes into the Authorization header, so it must fit in one (signing.fits_in_header).
        IAM names go into a JSON body, which carries any character, so only control characters are refused
        there: no real IAM name has one, and they are invisible on pages, where a name holding one would look
        like another. (They cannot make two identities share a cached IAM token: its key is an HMAC over a
        JSON list of the endpoint, names, project and password; see IamTokenAuth.cache_key.)"""
        errors = {}
        if self.auth_kind == self.AuthKind.AKSK and not self.access_key:
            errors["access_key"] = _("An access key is required for AK/SK authentication.")
        elif self.access_key and not fits_in_header(self.access_key):
            errors["access_key"] = _(
                "An access key has only printable ASCII characters: no spaces, line breaks or characters such as 中文."
            )
        for field in ("iam_domain", "iam_user"):
            value = getattr(self, field)
            if self.auth_kind == self.AuthKind.PASSWORD and not value:
                errors[field] = _("Required for IAM password authentication.")
            elif not value.isprintable():
                errors[field] = _("This name contains a line break, a tab or another invisible control character.")
        if errors:
            raise ValidationError(errors)


class ApiToken(models.Model):
    """A personal token with which a user's scripts call the JSON API as that user.

    Only a SHA-256 hash is stored: the token is 32 random bytes, so a slow password hash would add nothing,
    and a leaked database yields no usable token. Its first characters are kept in clear so people can
    tell their tokens apart, and so a presented token is found without comparing secrets in the database.
    """

    PREFIX_LENGTH = 8
    PATTERN = re.compile(r"\A[A-Za-z0-9_-]{43}\Z")  # what secrets.token_urlsafe(32) makes
    LAST_USED_RESOLUTION = timedelta(minutes=1)

    class Scope(models.TextChoices):
        """What the token's scripts may do: read only (what every token made before scopes existed became), or
        also create, stop, restart, edit and delete jobs."""

        READ = "read", _("Read only")
        READ_WRITE = "read-write", _("Read and write")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "jobs_apitoken"  # created by the jobs app, before accounts had an app of their own
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(plaintext: str) -> str:
        return hashlib.sha256(plaintext.encode()).hexdigest()

    @classmethod
    def issue(cls, owner, name: str, scope: str = Scope.READ) -> tuple[ApiToken, str]:
        """A new saved token and its plaintext, which exists only in this return value."""
        plaintext = secrets.token_urlsafe(32)
        token = cls.objects.create(
            owner=owner,
            name=name,
            scope=scope,
            prefix=plaintext[: cls.PREFIX_LENGTH],
            token_hash=cls.hash(plaintext),
        )
        return token, plaintext

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE

    @classmethod
    def find(cls, plaintext: str) -> ApiToken | None:
        """The presented token, with its owner, if that owner is active; else None. The hash is compared in
        constant time, and its use recorded at most once a minute, so that most authenticated reads write
        nothing."""
        if not cls.PATTERN.match(plaintext):
            return None
        digest = cls.hash(plaintext)
        for candidate in cls.objects.filter(prefix=plaintext[: cls.PREFIX_LENGTH]).select_related("owner"):
            if hmac.compare_digest(candidate.token_hash, digest):
                if not candidate.owner.is_active:
                    return None
                candidate._record_use()
                return candidate
        return None

    def _record_use(self) -> None:
        now = timezone.now()
        if self.last_used is None or now - self.last_used >= self.LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=self.pk).update(last_used=now)
