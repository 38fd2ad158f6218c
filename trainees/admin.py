from django.contrib import admin

from .models import Placement


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["trainee", "cohort", "practice", "ccg_supervisor", "project_day"]
    list_select_related = ["trainee", "cohort", "practice", "ccg_supervisor"]
    raw_id_fields = ["trainee", "educational_supervisor", "ccg_supervisor", "project_lead"]
