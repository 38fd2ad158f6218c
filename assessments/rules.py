"""Who may do what at the end of the rotation.

- PDs (of the cohort's programme, or named directors of the cohort) run the presentation day,
  record assessments, see the reflective-entry charts and the evaluation results.
- The Educational Supervisor reads their trainee's reflective entries; only the trainee logs.
- Marks (presentation assessment, CbD, the end-of-rotation record) are for the trainee, their
  Educational Supervisor and the PDs only: never the PA or CCG staff.
"""

from django.db.models import Q

from clic.accounts.access import access_for
from clic.accounts.models import Role


def directs_cohort_q(user, prefix: str = "") -> Q:
    """Cohorts (reached through `prefix`) that the person runs as a PD."""
    access = access_for(user)
    if not access.has_role(Role.PD):
        return Q(pk__in=[])
    return (Q(**{f"{prefix}programme_id__in": access.organisation_ids(Role.PD)})
            | Q(**{f"{prefix}directors": user}))


def is_pd_of_cohort(user, cohort) -> bool:
    access = access_for(user)
    if not access.has_role(Role.PD):
        return False
    return (access.holds(Role.PD, cohort.programme_id)
            or cohort.pk in access.directed_cohort_ids)


def follows_placement_q(user) -> Q:
    """Placements whose marks and reflective entries the person may read: their own, their
    trainees' as Educational Supervisor (linking learning to practice is their job;
    read-only) and their cohorts' as PD."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return (Q(trainee=user) | Q(educational_supervisor=user)
            | directs_cohort_q(user, prefix="cohort__"))


def follows_placement(user, placement) -> bool:
    """One placement, as follows_placement_q."""
    return (placement.trainee_id == user.pk or placement.educational_supervisor_id == user.pk
            or is_pd_of_cohort(user, placement.cohort))


def can_log_reflective_entry(user, placement) -> bool:
    return placement.trainee_id == user.pk
