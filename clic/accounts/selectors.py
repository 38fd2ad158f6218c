from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value

from .models import STAFF_MANAGER_ROLES, Organisation, RoleMembership, User

# Among a person's memberships, a cohort they direct (the cohort's id in place of an
# organisation's): directing is not a role, but every scope asks about it too.
DIRECTS = "directs"


def user_memberships(user) -> frozenset[tuple[str, int]]:
    """(role, organisation id) for each role the person holds, and (DIRECTS, cohort id) for
    each cohort they direct: one query, memoised on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_clic_memberships_and_cohorts", None)
    if cached is None:
        roles = (RoleMembership.objects.filter(user=user).order_by()
                 .values_list("role", "organisation_id"))
        directs = (User.directed_cohorts.through.objects.filter(user_id=user.pk).order_by()
                   .annotate(kind=Value(DIRECTS, output_field=CharField()))
                   .values_list("kind", "cohort_id"))
        cached = frozenset(roles.union(directs, all=True))
        user._clic_memberships_and_cohorts = cached
    return cached


def user_roles(user) -> frozenset[str]:
    """The roles a signed-in person holds (from user_memberships: no query of its own)."""
    return frozenset(role for role, _ in user_memberships(user) if role != DIRECTS)


def _managed_programme_ids(user) -> set[int]:
    return {org for role, org in user_memberships(user) if role in STAFF_MANAGER_ROLES}


def _shared_organisations(programme_ids) -> QuerySet[Organisation]:
    """The CCGs and GP practices that programmes' PDs and PAs manage. A CCG is shared by the
    programmes with cohorts there, and open to all until its first cohort (so a new one can
    be set up); one only other programmes use is not theirs, as its admin mailbox receives
    those programmes' sickness emails (S5) and its people supervise their trainees. GP
    practices train for any programme and receive no programme's mail: shared by all."""
    from rotations.models import Cohort

    here = OuterRef("pk")
    ours = Exists(Cohort.objects.filter(ccg=here, programme_id__in=programme_ids))
    unused = ~Exists(Cohort.objects.filter(ccg=here))
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
    from clic.audit.models import AuditEvent

    from .services import ROLE_REMOVED

    event = (AuditEvent.objects.filter(object_type=ROLE_REMOVED, object_id=membership_id,
                                       action=AuditEvent.Action.DELETED)
             .select_related("actor").first())
    if event is None or event.actor is None:
        return None
    if event.actor_id != user.pk and not people_visible_to(user).filter(pk=event.actor_id).exists():
        return None
    return event
