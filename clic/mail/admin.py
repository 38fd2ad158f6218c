from django.contrib import admin

from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Read-only: the outbox is an audit trail, changed only by its services."""

    list_display = ["created_at", "code", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "code"]
    search_fields = ["to_email", "subject", "idempotency_key"]
    date_hierarchy = "created_at"
    list_select_related = ["cohort"]
    # Bodies may carry one-time sign-in links (invitations, password resets).
    exclude = ["body_text", "body_html", "attachments"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
