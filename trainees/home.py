"""Placements' part of the accounts app's pages (clic.accounts.pages; registered in
TraineesConfig.ready())."""

from clic.accounts.models import Role
from rotations.selectors import ORGANISATION_ROLES

from .selectors import (
    PERSON_ROLES,
    current_placements,
    earlier_placements,
    placements_in_role,
    placements_visible_to,
    reach,
)


def home_part(user, roles, today, context) -> dict:
    """The trainees of current cohorts in each role's panel that no earlier part filled
    (earlier cohorts' have a paged list of their own), and whether there are any of those."""
    placements = dict(context["role_placements"])
    for role in roles:
        if role not in placements:
            placements[role] = current_placements(placements_in_role(user, role), today)
    return {
        "role_placements": placements,
        "has_earlier_trainees": bool(roles - {Role.TRAINEE})
        and _has_earlier_trainees(user, roles, today, placements),
    }


def _has_earlier_trainees(user, roles, today, placements) -> bool:
    """Whether earlier_placements has any. A person who sees trainees only through their
    own roles towards them (CCG Supervisor, Project Lead, ES) has the current ones in their
    panels already: the others they reach are the earlier ones, and no query need ask:
    `make bench` line "supervisor: home" 11 -> 10 queries."""
    found = reach(user)
    held = roles - {Role.TRAINEE}
    if not held <= PERSON_ROLES.keys() or found.cohort_ids(*ORGANISATION_ROLES):
        return earlier_placements(user, today).exists()
    shown = {placement.pk for role in held for placement in placements[role]}
    return bool(set(found.placement_ids(*held)) - set(found.placement_ids(Role.TRAINEE))
                - shown)


def person_part(viewer, person) -> dict:
    """A trainee's rotations, each linking to their trainee page."""
    return {"trainee_placements": placements_visible_to(viewer).filter(trainee=person)
            .select_related(None).select_related("cohort").order_by("-cohort__start_date")}
