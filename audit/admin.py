from django.contrib import admin

from .models import AuditEvent


class ActionFilter(admin.SimpleListFilter):
    """Actions by their names for people; the stored values are plain codes."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(AuditEvent.LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the app and never edited, not even by superusers."""

    list_display = ["created", "username", "action", "origin", "target", "client_address", "success"]
    list_filter = [ActionFilter, "success"]
    search_fields = ["username", "target", "client_address"]
    date_hierarchy = "created"

    @admin.display(description="action", ordering="action")
    def action(self, event: AuditEvent) -> str:
        return event.action_label

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
