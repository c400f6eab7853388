import copy
import hashlib
import json
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, OrderBy
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from . import crypto
from .modelarts.regions import REGIONS, EndpointError, validate_endpoint
from .modelarts.signing import fits_in_header

validate_project_id = RegexValidator(
    r"\A[0-9a-f]{32}\Z",
    _("A project id is 32 hexadecimal characters (see 'My Credentials > API Credentials' in the console)."),
)


def validate_endpoint_url(value: str) -> None:
    try:
        validate_endpoint(value)
    except EndpointError as exc:
        raise ValidationError(str(exc)) from exc


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

    class Meta:
        ordering = [Lower("name"), "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "project_id"], name="one_credential_per_owner_and_project"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.project_id})"

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
        there: no real IAM name has one, they are invisible on pages, and a line break would make the token
        cache's key (the identity's parts joined by line breaks) the same for two different identities."""
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


class NullsLastIndex(models.Index):
    """An index whose NULLS LAST orderings SQLite can create too. PostgreSQL needs NULLS LAST said for a
    descending column to match an ORDER BY ... DESC NULLS LAST; SQLite refuses the words in CREATE INDEX,
    and needs none: NULL sorts before every value there, so a descending order already ends with them."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using, **kwargs)
        index = copy.copy(self)
        index.expressions = [_without_nulls_placement(expression) for expression in self.expressions]
        return super(NullsLastIndex, index).create_sql(model, schema_editor, using, **kwargs)


def _without_nulls_placement(expression):
    if isinstance(expression, OrderBy) and expression.descending and expression.nulls_last:
        return OrderBy(expression.expression, descending=True)
    return expression


# The list's default order (listing.py): newest first, jobs without a creation time last, then by id.
NEWEST_FIRST = (F("create_time").desc(nulls_last=True), F("job_id").desc())


class CachedJob(models.Model):
    """One job of a project's list as ModelArts last reported it, so list pages never wait on ModelArts."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="cached_jobs")
    job_id = models.BigIntegerField()
    job_name = models.CharField(max_length=255)
    status = models.IntegerField()
    status_group = models.CharField(max_length=16)  # from the status table, so filters run in the database
    create_time = models.DateTimeField(null=True)
    duration_ms = models.BigIntegerField(null=True)
    remaining_duration_ms = models.BigIntegerField(null=True)
    job_desc = models.TextField(blank=True)
    service_url = models.TextField(blank=True)
    train_url = models.TextField(blank=True)
    resource_id = models.CharField(max_length=255, blank=True)
    schedule = models.JSONField(null=True)
    fetched_at = models.DateTimeField()
    # For running jobs: fetched_at minus duration, so "running for more than N hours" is one indexed filter.
    running_since = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["credential", "job_id"], name="one_row_per_job")]
        # The default order straight from an index (overall and within a status group), so the first page
        # of a long list reads a page of index entries instead of sorting the whole list.
        indexes = [
            NullsLastIndex(F("credential"), *NEWEST_FIRST, name="cachedjob_newest"),
            NullsLastIndex(F("credential"), F("status_group"), *NEWEST_FIRST, name="cachedjob_group_newest"),
            models.Index(fields=["credential", "create_time"], name="cachedjob_created"),  # oldest first
            models.Index(F("credential"), Lower("job_name"), name="cachedjob_name"),
            models.Index(fields=["credential", "status"], name="cachedjob_status"),
            models.Index(fields=["credential", "duration_ms"], name="cachedjob_duration"),
            models.Index(fields=["credential", "status_group", "create_time"], name="cachedjob_group"),
            models.Index(fields=["credential", "running_since"], name="cachedjob_running_since"),
        ]

    def __str__(self) -> str:
        return f"{self.job_name} ({self.job_id})"


class JobListRefresh(models.Model):
    """The state of one credential's cached list: when it was fetched, what ModelArts said, what failed."""

    credential = models.OneToOneField(Credential, on_delete=models.CASCADE, related_name="list_refresh")
    fetched_at = models.DateTimeField(null=True)  # finish of the last successful refresh
    started_at = models.DateTimeField(null=True)  # start of the last attempt
    finished_at = models.DateTimeField(null=True)  # finish of the last attempt, successful or not
    total = models.BigIntegerField(null=True)
    job_count_limit = models.BigIntegerField(null=True)
    quotas = models.BigIntegerField(null=True)
    upstream_calls = models.IntegerField(default=0)
    page_size = models.IntegerField(default=1000)  # 100 once ModelArts refused 1000 for this credential
    page_size_fell_back_at = models.DateTimeField(null=True)  # when it last refused: 1000 is tried a day later
    last_error = models.TextField(blank=True)  # the error code and ModelArts' own words
    last_error_title = models.CharField(max_length=200, blank=True)  # what happened, for people
    last_error_advice = models.CharField(max_length=500, blank=True)  # what to do about it
    last_error_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"Job list of {self.credential}"

    @property
    def unavailable(self) -> bool:
        """Never fetched, and the last try failed: there is no list to show, only the error."""
        return self.fetched_at is None and bool(self.last_error)


class AuditEvent(models.Model):
    """Who did what to which credential, from where, with what outcome. Written by the app, read in the
    admin by staff, never edited. Secrets never go in here."""

    class Action(models.TextChoices):
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOGOUT = "logout", "Logged out"
        CREDENTIAL_CREATED = "credential_created", "Credential created"
        CREDENTIAL_CHANGED = "credential_changed", "Credential changed"
        CREDENTIAL_DELETED = "credential_deleted", "Credential deleted"
        CREDENTIAL_TESTED = "credential_tested", "Credential tested"
        KEYS_ROTATED = "keys_rotated", "Credential keys rotated"
        API_TOKEN_CREATED = "api_token_created", "API token created"
        API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, blank=True)  # kept when the user is deleted, or never existed
    action = models.CharField(max_length=32, choices=Action.choices)
    target = models.CharField(max_length=200, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    success = models.BooleanField(default=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.get_action_display()}"


class ApiToken(models.Model):
    """A personal token with which a user's scripts call the JSON API as that user.

    Only a SHA-256 hash is stored: the token is 32 random bytes, so a slow password hash would add nothing,
    and a leaked database yields no usable token. Its first characters are kept in clear so people can
    tell their tokens apart, and so a presented token is found without comparing secrets in the database.
    """

    PREFIX_LENGTH = 8

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(plaintext: str) -> str:
        return hashlib.sha256(plaintext.encode()).hexdigest()

    @classmethod
    def issue(cls, owner, name: str) -> tuple["ApiToken", str]:
        """A new saved token and its plaintext, which exists only in this return value."""
        plaintext = secrets.token_urlsafe(32)
        token = cls.objects.create(
            owner=owner, name=name, prefix=plaintext[: cls.PREFIX_LENGTH], token_hash=cls.hash(plaintext)
        )
        return token, plaintext
