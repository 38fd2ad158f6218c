from .models import STAFF_MANAGER_ROLES
from .selectors import user_roles


def can_manage_people(user) -> bool:
    return bool(user_roles(user) & set(STAFF_MANAGER_ROLES))


def must_use_mfa(user) -> bool:
    from django.conf import settings

    if not settings.CLIC_MFA_ENFORCED:
        return False
    return bool(user_roles(user) & set(settings.CLIC_MFA_REQUIRED_ROLES))
