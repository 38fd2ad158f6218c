from .access import access_for
from .navigation import MANAGERS


def navigation(request):
    """The roles the signed-in person holds, for the role-aware header navigation."""
    roles = access_for(request.user).roles if hasattr(request, "user") else frozenset()
    return {
        "clic_roles": roles,
        "clic_is_manager": bool(roles & MANAGERS),
    }
