from django.db.models import Q, QuerySet

from clic.accounts.models import Role, RoleMembership

from .models import Cohort


def cohorts_visible_to(user) -> QuerySet[Cohort]:
    """Cohorts a person may open: PDs and PAs of the programme, and the cohort's own directors."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    programmes = RoleMembership.objects.filter(user=user, role__in=[Role.PD, Role.PA]).values(
        "organisation_id")
    return (Cohort.objects.filter(Q(programme_id__in=programmes) | Q(directors=user))
            .distinct().select_related("programme", "ccg"))
