from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the app and never edited, not even by superusers."""

    list_display = ["created", "username", "action", "target", "client_address", "success"]
    list_filter = ["action", "success"]
    search_fields = ["username", "target", "client_address"]
    date_hierarchy = "created"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
