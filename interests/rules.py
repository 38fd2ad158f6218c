"""Who keeps a register of interests, and who reads whose.

- CCG Supervisors, Project Leads, PDs and Deputy Clinical Chairs, and everyone on a
  presentation day's panel in the last year or to come (invited, other than the cohort's own
  trainees), declare their interests and edit their own register. Anyone else: 404.
- PDs read the register of the people of their programmes' cohorts
  (selectors.programme_register).
"""

import datetime

from django.utils import timezone

from clic.accounts.access import access_for
from clic.accounts.models import Role

from .selectors import DECLARING_ROLES, YEAR, panel_invitations


def must_declare(user) -> bool:
    if not user.is_authenticated:
        return False
    if access_for(user).has_role(*DECLARING_ROLES):
        return True
    since: datetime.date = timezone.localdate() - YEAR
    return panel_invitations().filter(person=user, day__date__gte=since).exists()


def reads_programme_register(user) -> bool:
    return user.is_authenticated and access_for(user).has_role(Role.PD)
