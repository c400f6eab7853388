from django.contrib import admin

from audit import log as audit

from .models import ApiToken, Credential

ENDPOINT_FIELDS = ("modelarts_endpoint", "iam_endpoint")
# How the credential authenticates, apart from where: the owner's alone. Were one editable here, staff could
# have the secret sent as something else (a secret key re-entered after an endpoint change, then the
# credential switched to IAM password authentication, posts that key to the new IAM endpoint as a password).
LOCKED_AUTH_FIELDS = [name for name in Credential.AUTH_FIELDS if name not in (*ENDPOINT_FIELDS, "secret_ciphertext")]
HISTORY_FIELDS = ["created", "updated", "last_checked_at", "last_check_ok", "last_check_message"]


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    """Secrets are not editable or visible here: only whether one is stored.

    Staff may rename a credential and point it at a private endpoint, but not take its secret along: a
    changed endpoint clears the stored secret, so the owner types it again knowing where it goes, and the
    change is audited. Nothing else about how it authenticates can be changed (LOCKED_AUTH_FIELDS), nor its
    owner (that would hand the secret to someone else).
    """

    list_display = ["name", "owner", "region", "project_id", "auth_kind", "secret_stored", "last_check_ok"]
    list_filter = ["region", "auth_kind"]
    search_fields = ["name", "project_id", "owner__username"]
    readonly_fields = ["owner", *LOCKED_AUTH_FIELDS, "secret_stored", *HISTORY_FIELDS]
    fields = ["owner", "name", *LOCKED_AUTH_FIELDS, "secret_stored", *ENDPOINT_FIELDS, *HISTORY_FIELDS]

    @admin.display(boolean=True, description="Secret stored")
    def secret_stored(self, credential: Credential) -> bool:
        return credential.has_secret

    def save_model(self, request, obj: Credential, form, change: bool) -> None:
        moved = [name for name in ENDPOINT_FIELDS if name in form.changed_data]
        cleared = bool(moved) and obj.has_secret
        if cleared:
            obj.secret_ciphertext = ""
        super().save_model(request, obj, form, change)
        if moved:
            changes = "; ".join(f"{name} {form.initial.get(name)!r} -> {getattr(obj, name)!r}" for name in moved)
            detail = f"changed in the admin: {changes}" + ("; the stored secret was cleared" if cleared else "")
            audit.record(audit.Action.CREDENTIAL_CHANGED, request, target=audit.describe(obj), detail=detail)

    def has_add_permission(self, request) -> bool:
        """A credential without a secret would be useless; users add them on their own pages."""
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see who has tokens and can revoke them (delete); only a hash is stored, so nothing to reveal."""

    list_display = ["name", "owner", "scope", "prefix", "created", "last_used"]
    search_fields = ["name", "owner__username", "prefix"]
    readonly_fields = ["owner", "name", "scope", "prefix", "created", "last_used"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
