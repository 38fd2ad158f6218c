"""Who may do what with absences. Objects reach views through absences.selectors, scoped to
the person asking; these checks decide what they may do with what they can see."""

from clic.accounts.access import access_for
from clic.accounts.models import Role

from .models import LEAVE_KINDS, Absence

CCG_DASHBOARD_ROLES = frozenset({Role.CCG_ADMIN, Role.DEPUTY_CHAIR})
MANAGER_ROLES = frozenset({Role.PD, Role.PA})


def managed_programme_ids(user) -> frozenset[int]:
    """Programmes whose trainees this person manages as a PD or PA (from the request's
    access: no query of its own)."""
    return access_for(user).organisation_ids(*MANAGER_ROLES)


def directed_cohort_ids(user) -> frozenset[int]:
    return access_for(user).directed_cohort_ids


def manages(user, placement) -> bool:
    """A PD or PA of the placement's programme, or a director of its cohort."""
    return (placement.cohort.programme_id in managed_programme_ids(user)
            or placement.cohort_id in directed_cohort_ids(user))


def is_trainee_of(user, placement) -> bool:
    return user.is_authenticated and placement.trainee_id == user.pk


def can_report_for(user, placement) -> bool:
    return is_trainee_of(user, placement) or manages(user, placement)


def records_from_mailbox(user, placement) -> bool:
    """CCG admin of the trainee's CCG: they may record, on the trainee's behalf, a sickness on
    CCG project days that reached the CCG admin mailbox by email."""
    return is_ccg_admin_of(user, placement.cohort.ccg_id)


def is_ccg_admin_of(user, ccg_id) -> bool:
    return access_for(user).holds(Role.CCG_ADMIN, ccg_id)


def can_record_past_dates(user, placement) -> bool:
    """Backdating beyond the sickness allowance (and any leave backdating) is for PAs/PDs."""
    return manages(user, placement)


def sees_everything_of(user, placement) -> bool:
    """The trainee, their PAs and PDs: the note, the reason, every day."""
    return is_trainee_of(user, placement) or manages(user, placement)


def can_change(user, absence: Absence) -> bool:
    return absence.is_live and can_report_for(user, absence.placement)


def can_withdraw(user, absence: Absence) -> bool:
    return can_change(user, absence)


def can_close(user, absence: Absence) -> bool:
    """ "I'm back": an open-ended sickness gets its last day."""
    return absence.is_open and can_change(user, absence)


def can_decide(user, absence: Absence) -> bool:
    """The PD, or a PA on the PD's behalf, decides a leave request (and may revisit it)."""
    return (absence.kind in LEAVE_KINDS and absence.state != Absence.State.WITHDRAWN
            and manages(user, absence.placement))


def decides_as_pd(user, placement) -> bool:
    """A Programme Director of the cohort decides leave in their own right; a PA decides on
    the Programme Directors' behalf (the page and the email say so)."""
    return (placement.cohort_id in directed_cohort_ids(user)
            or access_for(user).holds(Role.PD, placement.cohort.programme_id))


def can_view_programme_absences(user) -> bool:
    return access_for(user).has_role(*MANAGER_ROLES) or bool(directed_cohort_ids(user))


SUPERVISING_ROLES = frozenset({Role.CCG_SUPERVISOR, Role.PROJECT_LEAD})


def can_view_supervised_absences(user) -> bool:
    return access_for(user).has_role(*SUPERVISING_ROLES)


def can_view_ccg_dashboard(user) -> bool:
    return access_for(user).has_role(*CCG_DASHBOARD_ROLES)
