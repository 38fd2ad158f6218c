from django.contrib import admin

from .models import Cohort, CohortChange, Session, TimetablePack


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "ccg", "start_date", "status"]
    list_filter = ["status", "ccg"]
    search_fields = ["name"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["date", "part", "title", "cohort", "placement", "status", "sequence"]
    list_filter = ["kind", "status"]
    list_select_related = ["cohort", "placement__trainee"]
    raw_id_fields = ["cohort", "placement", "facilitator"]
    readonly_fields = ["uid", "sequence"]


@admin.register(CohortChange)
class CohortChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "cohort", "action", "summary", "actor"]
    list_select_related = ["cohort", "actor"]
    readonly_fields = [f.name for f in CohortChange._meta.fields]


@admin.register(TimetablePack)
class TimetablePackAdmin(admin.ModelAdmin):
    list_display = ["cohort", "status", "progress", "total", "created_at"]
