"""Who may do what with cohorts and timetables. Objects come through selectors scoped to the
person, so outsiders get 404; these checks decide what a person may change."""

from clic.accounts.models import Role
from clic.accounts.selectors import DIRECTS, user_roles


def can_create_cohort(user) -> bool:
    return Role.PD in user_roles(user)


def can_list_cohorts(user) -> bool:
    return bool(user_roles(user) & {Role.PD, Role.PA})


def can_manage_cohort(user, cohort) -> bool:
    """PDs of the cohort's programme and the cohort's own directors (as cohorts_managed_by,
    from the ids memoised for the request: no query)."""
    from .selectors import reached_cohort_ids

    return cohort.pk in reached_cohort_ids(user, Role.PD, DIRECTS)


def can_edit_timetable(user, cohort) -> bool:
    return cohort.is_published and can_manage_cohort(user, cohort)
