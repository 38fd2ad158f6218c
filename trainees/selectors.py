from django.db.models import Q, QuerySet

from clic.accounts.models import Role, RoleMembership

from .models import Placement


def placement_scope(user) -> Q:
    """Which placements a person may see, from every role they hold (domain.md's table)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    memberships = RoleMembership.objects.filter(user=user)
    programmes = memberships.filter(role__in=[Role.PD, Role.PA]).values("organisation_id")
    ccgs = memberships.filter(role__in=[Role.CCG_ADMIN, Role.DEPUTY_CHAIR]).values(
        "organisation_id")
    return (Q(trainee=user) | Q(ccg_supervisor=user) | Q(project_lead=user)
            | Q(educational_supervisor=user)
            | Q(cohort__programme_id__in=programmes) | Q(cohort__ccg_id__in=ccgs))


def placements_visible_to(user) -> QuerySet[Placement]:
    return (Placement.objects.filter(placement_scope(user))
            .select_related("cohort", "cohort__ccg", "trainee", "practice", "ccg_supervisor",
                            "project_lead", "educational_supervisor"))


def placement_for(user, placement_id) -> Placement:
    """One placement the person may see; anyone else gets 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(placements_visible_to(user), pk=placement_id)


def placements_in_role(user, role: str) -> QuerySet[Placement]:
    """The placements a person sees because of one particular role (for their home page)."""
    by_role = {
        Role.TRAINEE: Q(trainee=user),
        Role.CCG_SUPERVISOR: Q(ccg_supervisor=user),
        Role.PROJECT_LEAD: Q(project_lead=user),
        Role.ES: Q(educational_supervisor=user),
        Role.CCG_ADMIN: Q(cohort__ccg__memberships__user=user,
                          cohort__ccg__memberships__role=Role.CCG_ADMIN),
        Role.DEPUTY_CHAIR: Q(cohort__ccg__memberships__user=user,
                             cohort__ccg__memberships__role=Role.DEPUTY_CHAIR),
        Role.PD: Q(cohort__programme__memberships__user=user,
                   cohort__programme__memberships__role=Role.PD),
        Role.PA: Q(cohort__programme__memberships__user=user,
                   cohort__programme__memberships__role=Role.PA),
    }
    return placements_visible_to(user).filter(by_role[role]).distinct()


def placement_to_manage(user, placement_id) -> Placement:
    """A placement in a cohort the person manages (PD); anyone else gets 404."""
    from django.shortcuts import get_object_or_404

    from rotations.selectors import cohorts_managed_by

    return get_object_or_404(placements_visible_to(user).filter(
        cohort__in=cohorts_managed_by(user).values("pk")), pk=placement_id)
