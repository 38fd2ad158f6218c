from django.conf import settings

from .access import access_for
from .models import STAFF_MANAGER_ROLES


def can_manage_people(user) -> bool:
    return access_for(user).has_role(*STAFF_MANAGER_ROLES)


def must_use_mfa(user) -> bool:
    if not settings.CLIC_MFA_ENFORCED:
        return False
    return access_for(user).has_role(*settings.CLIC_MFA_REQUIRED_ROLES)
