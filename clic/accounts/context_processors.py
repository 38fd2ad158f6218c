from .models import Role
from .selectors import user_roles


def navigation(request):
    """The roles the signed-in person holds, for the role-aware header navigation."""
    roles = user_roles(request.user) if hasattr(request, "user") else frozenset()
    return {
        "clic_roles": roles,
        "clic_is_manager": bool(roles & {Role.PD, Role.PA}),
    }
