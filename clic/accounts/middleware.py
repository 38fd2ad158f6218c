from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import redirect
from django.urls import reverse

from .rules import must_use_mfa

MFA_SETUP_PATHS = ("/accounts/", "/static/", "/healthz")


class RequireMfaForRolesMiddleware:
    """PDs, PAs and CCG admin (configurable) must set up two-factor authentication first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not request.path.startswith(MFA_SETUP_PATHS)
                and must_use_mfa(user) and not is_mfa_enabled(user)):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)
