"""Who may do what with cohorts and timetables. Objects come through selectors scoped to the
person, so outsiders get 404; these checks decide what a person may change."""

from clic.accounts.models import Role
from clic.accounts.selectors import user_roles


def can_create_cohort(user) -> bool:
    return Role.PD in user_roles(user)


def can_list_cohorts(user) -> bool:
    return bool(user_roles(user) & {Role.PD, Role.PA})


def can_manage_cohort(user, cohort) -> bool:
    """PDs of the cohort's programme and the cohort's own directors."""
    from .selectors import cohorts_managed_by

    return cohorts_managed_by(user).filter(pk=cohort.pk).exists()


def can_edit_timetable(user, cohort) -> bool:
    return cohort.is_published and can_manage_cohort(user, cohort)


def can_build_pack(user, cohort) -> bool:
    from .selectors import cohorts_visible_to

    return cohorts_visible_to(user).filter(pk=cohort.pk).exists()
