from django.contrib import admin

from audit import log as audit

from .models import ApiToken, Credential

ENDPOINT_FIELDS = ("modelarts_endpoint", "iam_endpoint")


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    """Secrets are not editable or visible here: only whether one is stored.

    Staff may point a credential at a private endpoint, but not take its secret along: a changed endpoint
    clears the stored secret, so the owner types it again knowing where it goes, and the change is
    audited. The owner cannot be changed either (that would hand the secret to someone else).
    """

    list_display = ["name", "owner", "region", "project_id", "auth_kind", "secret_stored", "last_check_ok"]
    list_filter = ["region", "auth_kind"]
    search_fields = ["name", "project_id", "owner__username"]
    readonly_fields = [
        "owner",
        "secret_stored",
        "created",
        "updated",
        "last_checked_at",
        "last_check_ok",
        "last_check_message",
    ]
    fields = [
        "owner",
        "name",
        "region",
        "project_id",
        "auth_kind",
        "access_key",
        "iam_domain",
        "iam_user",
        "secret_stored",
        "modelarts_endpoint",
        "iam_endpoint",
        *readonly_fields[2:],
    ]

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

    list_display = ["name", "owner", "prefix", "created", "last_used"]
    search_fields = ["name", "owner__username", "prefix"]
    readonly_fields = ["owner", "name", "prefix", "created", "last_used"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
