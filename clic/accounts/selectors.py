from django.db.models import CharField, QuerySet, Value

from .models import Organisation, Role, RoleMembership, User

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


def managed_organisation_ids(user) -> set[int]:
    """Organisations whose people a PD or PA manages: their own programmes, and the CCGs
    and GP practices (shared by every programme that places trainees there)."""
    programme_ids = set(organisations_for_role(user, Role.PD, Role.PA).values_list("id", flat=True))
    if not programme_ids:
        return set()
    shared = Organisation.objects.exclude(kind=Organisation.Kind.PROGRAMME)
    return programme_ids | set(shared.values_list("id", flat=True))


def people_visible_to(user) -> QuerySet[User]:
    """People a PD or PA may see and manage: anyone with a role in their organisations."""
    org_ids = managed_organisation_ids(user)
    return (User.objects.filter(memberships__organisation_id__in=org_ids).distinct()
            .prefetch_related("memberships__organisation"))


def organisations_visible_to(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(id__in=managed_organisation_ids(user))
