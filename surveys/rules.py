"""Who may run a temperature check: a programme's PDs and the Deputy Clinical Chairs of the
CCGs its cohorts are placed with (which programmes, selectors.programmes_run_by). Anyone
asked may answer; nobody reads one person's answers."""

from clic.accounts.access import access_for
from clic.accounts.models import Role

SURVEY_MANAGERS = (Role.PD, Role.DEPUTY_CHAIR)


def can_run_surveys(user) -> bool:
    return access_for(user).has_role(*SURVEY_MANAGERS)
