from django.db.models import QuerySet

from .models import Organisation, Role, RoleMembership, User


def user_roles(user) -> frozenset[str]:
    """The roles a signed-in person holds, memoised on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_clic_roles", None)
    if cached is None:
        cached = frozenset(RoleMembership.objects.filter(user=user).values_list("role", flat=True))
        user._clic_roles = cached
    return cached


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
