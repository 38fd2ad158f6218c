from django.db.models import CharField, Q, QuerySet, Value

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


def organisations_for_role(user, *roles: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def _managed_programme_ids(user) -> set[int]:
    return {org for role, org in user_memberships(user) if role in STAFF_MANAGER_ROLES}


# The organisations every programme shares: CCGs and GP practices.
SHARED_KINDS = [kind for kind in Organisation.Kind.values if kind != Organisation.Kind.PROGRAMME]


def managed_organisation_ids(user) -> set[int]:
    """Organisations whose people a PD or PA manages: their own programmes, and the CCGs
    and GP practices (shared by every programme that places trainees there)."""
    programme_ids = _managed_programme_ids(user)
    if not programme_ids:
        return set()
    shared = Organisation.objects.filter(kind__in=SHARED_KINDS)
    return programme_ids | set(shared.values_list("id", flat=True))


def people_visible_to(user) -> QuerySet[User]:
    """People a PD or PA may see and manage: anyone with a role in their organisations (as
    managed_organisation_ids, without listing every CCG and practice in the query)."""
    programme_ids = _managed_programme_ids(user)
    if not programme_ids:
        return User.objects.none()
    return (User.objects.filter(Q(memberships__organisation_id__in=programme_ids)
                                | Q(memberships__organisation__kind__in=SHARED_KINDS))
            .distinct().prefetch_related("memberships__organisation"))


def organisations_visible_to(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(id__in=managed_organisation_ids(user))
