"""Who sees the leadership opportunities board, who publishes to it and who manages a role.

A role is published to one training programme. Its audience is everyone holding one of
AUDIENCE_ROLES in that programme: its trainees and its alumni (an alumnus holds the role
until they leave the alumni). Its publishers are the programme's PDs and the
Deputy Clinical Chairs of the CCGs where the programme has cohorts; a role is managed (its
interest and monitoring seen) by the programme's PDs and by whoever published it."""

from clic.accounts.access import access_for
from clic.accounts.models import Role
from rotations.models import Cohort

AUDIENCE_ROLES = (Role.TRAINEE, Role.ALUMNUS)
PUBLISHER_ROLES = (Role.PD, Role.DEPUTY_CHAIR)


def audience_programme_ids(user) -> frozenset[int]:
    """The programmes whose roles this person may read and say they are interested in."""
    return access_for(user).organisation_ids(*AUDIENCE_ROLES)


def publishable_programme_ids(user) -> frozenset[int]:
    """The programmes this person may publish a role to: as PD, their own; as Deputy Clinical
    Chair, those with cohorts at their CCG. Kept on the request's access."""
    access = access_for(user)
    if not access.has_role(*PUBLISHER_ROLES):
        return frozenset()

    def compute() -> frozenset[int]:
        ccgs = access.organisation_ids(Role.DEPUTY_CHAIR)
        hosted = (Cohort.objects.filter(ccg_id__in=ccgs).order_by()
                  .values_list("programme_id", flat=True).distinct() if ccgs else [])
        return access.organisation_ids(Role.PD) | frozenset(hosted)

    return access.derived("opportunity programmes", compute)


def can_see_board(user) -> bool:
    return bool(audience_programme_ids(user)) or can_publish(user)


def can_publish(user) -> bool:
    return bool(publishable_programme_ids(user))


def can_manage(user, opportunity) -> bool:
    """The programme's PDs and the person who published it."""
    return (opportunity.published_by_id == user.pk
            or access_for(user).holds(Role.PD, opportunity.programme_id))


def is_audience(user, opportunity) -> bool:
    return opportunity.programme_id in audience_programme_ids(user)


def can_subscribe(user) -> bool:
    return bool(audience_programme_ids(user))
