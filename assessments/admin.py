"""Read-mostly admin for superusers. Marks and evaluation answers are not listed here: the
service shows them to the people allowed to see them, and the evaluation stays anonymous."""

from django.contrib import admin

from .models import PresentationDay, PresentationInvitation, PresentationSlot, ReflectiveEntry


class SlotInline(admin.TabularInline):
    model = PresentationSlot
    extra = 0
    raw_id_fields = ["placement"]


class InvitationInline(admin.TabularInline):
    model = PresentationInvitation
    extra = 0
    raw_id_fields = ["person", "attendance_recorded_by"]
    readonly_fields = ["responded_at", "attendance_recorded_at"]


@admin.register(PresentationDay)
class PresentationDayAdmin(admin.ModelAdmin):
    list_display = ["cohort", "date", "start_time", "status", "sequence"]
    list_filter = ["status"]
    readonly_fields = ["uid", "sequence", "created_at", "updated_at", "cancelled_at"]
    raw_id_fields = ["cohort", "organiser"]
    inlines = [SlotInline, InvitationInline]


@admin.register(ReflectiveEntry)
class ReflectiveEntryAdmin(admin.ModelAdmin):
    list_display = ["placement", "date", "title", "kind", "capability"]
    list_select_related = ["placement__trainee", "placement__cohort"]
    list_filter = ["kind"]
    raw_id_fields = ["placement"]
