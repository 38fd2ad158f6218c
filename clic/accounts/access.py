"""What a person reaches, by role: the one answer every rule and selector asks.

`access_for(user)` builds an `Access` the first time a request asks and keeps it on the user
object (request.user is one object per request), under ACCESS_ATTRIBUTE and no other name.
It reads the person's role memberships and directed cohorts in one query; what the apps
work out from them (the cohorts and placements reached, a person's relation to one
placement) is computed once through `derived` and kept on the same object, so a page asks
the database about one person's access a fixed number of times however many rules it
checks. docs/architecture.md, "People, roles and how access is checked", tells the steps.
"""

from collections.abc import Callable, Hashable
from functools import cached_property
from typing import TypeVar

from django.db.models import CharField, Value

from .models import RoleMembership, User

# Among a person's memberships, a cohort they direct (the cohort's id in place of an
# organisation's): directing is not a role, but every scope asks about it too.
DIRECTS = "directs"
ACCESS_ATTRIBUTE = "_clic_access"

Found = TypeVar("Found")


class Access:
    """One person's roles, the organisations they hold them in and the cohorts they direct,
    read once; and what the apps derive from those, kept for the rest of the request."""

    def __init__(self, user):
        self.user = user
        self._derived: dict[Hashable, object] = {}

    @cached_property
    def memberships(self) -> frozenset[tuple[str, int]]:
        """(role, organisation id) for each role the person holds, and (DIRECTS, cohort id)
        for each cohort they direct: one query."""
        if not self.user.is_authenticated:
            return frozenset()
        roles = (RoleMembership.objects.filter(user=self.user).order_by()
                 .values_list("role", "organisation_id"))
        directs = (User.directed_cohorts.through.objects.filter(user_id=self.user.pk).order_by()
                   .annotate(kind=Value(DIRECTS, output_field=CharField()))
                   .values_list("kind", "cohort_id"))
        return frozenset(roles.union(directs, all=True))

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(role for role, _ in self.memberships if role != DIRECTS)

    def has_role(self, *roles: str) -> bool:
        """Whether the person holds any of these roles, anywhere."""
        return not self.roles.isdisjoint(roles)

    def organisation_ids(self, *roles: str) -> frozenset[int]:
        """The organisations in which the person holds any of these roles."""
        return frozenset(org for role, org in self.memberships if role in roles)

    @cached_property
    def directed_cohort_ids(self) -> frozenset[int]:
        return self.organisation_ids(DIRECTS)

    def holds(self, role: str, organisation_id: int) -> bool:
        return (role, organisation_id) in self.memberships

    def derived(self, key: Hashable, compute: Callable[[], Found]) -> Found:
        """What an app works out from this access (`compute`, called at most once per key for
        the request): trainees.selectors.reach, projects.rules.relations."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]


def access_for(user) -> Access:
    """The person's Access for this request, built on first use."""
    found = getattr(user, ACCESS_ATTRIBUTE, None)
    if found is None:
        found = Access(user)
        setattr(user, ACCESS_ATTRIBUTE, found)
    return found
