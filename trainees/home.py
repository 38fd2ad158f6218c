"""Placements' part of the accounts app's pages (clic.accounts.pages; registered in
TraineesConfig.ready())."""

from clic.accounts.models import Role

from .selectors import current_placements, earlier_placements, placements_in_role, placements_visible_to


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
        and earlier_placements(user, today).exists(),
    }


def person_part(viewer, person) -> dict:
    """A trainee's rotations, each linking to their trainee page."""
    return {"trainee_placements": placements_visible_to(viewer).filter(trainee=person)
            .select_related(None).select_related("cohort").order_by("-cohort__start_date")}
