from django.contrib import admin

from .models import Absence, AbsenceEvent


class AbsenceEventInline(admin.TabularInline):
    model = AbsenceEvent
    extra = 0
    readonly_fields = ("action", "actor", "summary", "created_at")
    can_delete = False


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the services, which email the SOP's people."""

    list_display = ("placement", "kind", "first_day", "last_day", "part", "state", "created_at")
    list_select_related = ("placement__trainee", "placement__cohort")
    list_filter = ("kind", "state")
    search_fields = ("placement__trainee__full_name", "placement__trainee__email")
    date_hierarchy = "first_day"
    inlines = [AbsenceEventInline]
    readonly_fields = [field.name for field in Absence._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
