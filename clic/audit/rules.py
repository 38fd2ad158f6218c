"""Who reads the audit log: Programme Directors, for their own programmes' cohorts.

The people the log records most often (trainees, supervisors, CCG staff, PAs) never see it:
the page is 404 to them. PDs see every event of their programmes, their own actions
included: the log cannot be changed or deleted by anyone (clic.audit.models), so seeing an
entry gives no way to alter it, and two PDs oversee each rotation and can check each other."""

from clic.accounts.access import access_for
from clic.accounts.models import Role


def can_read_audit(user) -> bool:
    return access_for(user).has_role(Role.PD)
