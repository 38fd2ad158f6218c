"""The placements' part of the subject access export and of retention (clic.accounts
exporters and retention; registered in TraineesConfig.ready())."""

import datetime

from django.db.models import QuerySet

from clic.accounts.exporters import person_summary
from rotations.models import day_after_rotation

from .models import Placement


def placements_of(user) -> list[Placement]:
    """The person's own placements, oldest first: one folder each in the export."""
    return list(Placement.objects.filter(trainee=user).select_related(
        "cohort__programme", "cohort__ccg", "practice", "educational_supervisor",
        "ccg_supervisor", "project_lead").order_by("cohort__start_date"))


def placement_of(user, placement) -> dict:
    cohort = placement.cohort
    return {"placement": {
        "id": placement.pk, "cohort": cohort.name, "programme": cohort.programme.name,
        "ccg": cohort.ccg.name, "start_date": cohort.start_date, "end_date": cohort.end_date,
        "gp_practice": placement.practice.name,
        "educational_supervisor": person_summary(placement.educational_supervisor),
        "ccg_supervisor": person_summary(placement.ccg_supervisor),
        "project_lead": person_summary(placement.project_lead),
        "project_day": placement.get_project_day_display(),
    }}


def placements_ended_before(cutoff: datetime.date) -> QuerySet[Placement]:
    """Placements whose cohort's last day is before `cutoff`, oldest first."""
    return (Placement.objects.alias(day_after_rotation=day_after_rotation("cohort__"))
            .filter(day_after_rotation__lte=cutoff)
            .select_related("cohort", "trainee").order_by("cohort__start_date", "pk"))
