from django.db.models import Exists, OuterRef, Q, QuerySet

from clic.audit.models import AuditEvent
from clic.registry import Registry

from .access import access_for
from .models import STAFF_MANAGER_ROLES, Organisation, User
from .services import ROLE_REMOVED

# What ties a programme to a CCG: part() -> a queryset whose rows have `ccg` and `programme`
# (rotations registers its cohorts in AppConfig.ready()).
ccg_ties: Registry = Registry("the rows that tie a programme to a CCG")


def _managed_programme_ids(user) -> set[int]:
    return set(access_for(user).organisation_ids(*STAFF_MANAGER_ROLES))


def _shared_organisations(programme_ids) -> QuerySet[Organisation]:
    """The CCGs and GP practices that programmes' PDs and PAs manage. A CCG is shared by the
    programmes with cohorts there, and open to all until its first cohort (so a new one can
    be set up); one only other programmes use is not theirs, as its admin mailbox receives
    those programmes' sickness emails (S5) and its people supervise their trainees. GP
    practices train for any programme and receive no programme's mail: shared by all."""
    ties = ccg_ties.one()()
    here = OuterRef("pk")
    ours = Exists(ties.filter(ccg=here, programme_id__in=programme_ids))
    unused = ~Exists(ties.filter(ccg=here))
    return Organisation.objects.filter(Q(kind=Organisation.Kind.PRACTICE)
                                       | Q(kind=Organisation.Kind.CCG) & (ours | unused))


def managed_organisation_ids(user) -> set[int]:
    """Organisations whose people a PD or PA manages: their own programmes, and the shared
    CCGs and GP practices of _shared_organisations."""
    programme_ids = _managed_programme_ids(user)
    if not programme_ids:
        return set()
    return programme_ids | set(_shared_organisations(programme_ids).values_list("id", flat=True))


def people_visible_to(user) -> QuerySet[User]:
    """People a PD or PA may see and manage: anyone with a role in their organisations (as
    managed_organisation_ids, without listing every CCG and practice in the query)."""
    programme_ids = _managed_programme_ids(user)
    if not programme_ids:
        return User.objects.none()
    return (User.objects.filter(Q(memberships__organisation_id__in=programme_ids)
                                | Q(memberships__organisation__in=_shared_organisations(
                                    programme_ids)))
            .distinct().prefetch_related("memberships__organisation"))


def organisations_visible_to(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(id__in=managed_organisation_ids(user))


def membership_removal(user, membership_id: int):
    """The audit event of a role already taken away, if its remover is someone this manager
    can see (or themselves): when, and by whom."""
    event = (AuditEvent.objects.filter(object_type=ROLE_REMOVED, object_id=membership_id,
                                       action=AuditEvent.Action.DELETED)
             .select_related("actor").first())
    if event is None or event.actor is None:
        return None
    if event.actor_id != user.pk and not people_visible_to(user).filter(pk=event.actor_id).exists():
        return None
    return event
