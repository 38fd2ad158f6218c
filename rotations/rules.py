"""Who may do what with cohorts and timetables. Objects come through selectors scoped to the
person, so outsiders get 404; these checks decide what a person may change."""

from clic.accounts.access import DIRECTS, access_for
from clic.accounts.models import Role

from .selectors import reached_cohort_ids


def can_create_cohort(user) -> bool:
    return access_for(user).has_role(Role.PD)


def can_manage_templates(user) -> bool:
    """PDs keep their programmes' timetable templates (selectors scope which ones)."""
    return access_for(user).has_role(Role.PD)


def can_list_cohorts(user) -> bool:
    return access_for(user).has_role(Role.PD, Role.PA)


def can_manage_cohort(user, cohort) -> bool:
    """PDs of the cohort's programme and the cohort's own directors (as cohorts_managed_by,
    from the request's access: no query)."""
    return cohort.pk in reached_cohort_ids(user, Role.PD, DIRECTS)


def can_edit_timetable(user, cohort) -> bool:
    return cohort.is_published and can_manage_cohort(user, cohort)
