"""Community's part of the home page (clic.accounts.pages; registered in
CommunityConfig.ready())."""

from clic.accounts.models import Role

from .selectors import joinable_placements, own_pairs


def community_home(user, roles, today, context) -> dict:
    """A trainee whose rotation has ended is asked whether to stay on as an alumnus; an
    alumnus's panel links to their mentoring. The alumnus panel lists no trainees."""
    if not roles & {Role.TRAINEE, Role.ALUMNUS}:
        return {}
    return {
        "role_placements": {**context["role_placements"], Role.ALUMNUS: []},
        "alumni_joinable": joinable_placements(user, today) if Role.TRAINEE in roles else [],
        "mentoring_pairs": own_pairs(user),
    }
