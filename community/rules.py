"""Who may do what with alumni and mentoring."""

from clic.accounts.access import access_for
from clic.accounts.models import Role


def can_pair_mentors(user, programme_id: int) -> bool:
    """The programme's Programme Directors pair mentors and see how often pairs have met."""
    return access_for(user).holds(Role.PD, programme_id)
