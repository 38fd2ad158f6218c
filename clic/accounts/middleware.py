import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
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


class SessionIdleRefreshMiddleware:
    """Starts a session's idle time (SESSION_COOKIE_AGE) again at most once every
    CLIC_SESSION_REFRESH_SECONDS. Saving the session on every request made every page view a
    write: three of a signed-in page's seven fixed queries, and a commit. A session now ends
    between SESSION_COOKIE_AGE minus that interval and SESSION_COOKIE_AGE after the last
    request. Sits after SessionMiddleware, so the session is saved after this has run."""

    REFRESHED = "_clic_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        # Only sessions the request used and that hold something: never make one for a
        # calendar program or after signing out.
        used = session.accessed and not session.is_empty()
        if used and (session.modified or time.time() - session.get(self.REFRESHED, 0)
                     >= settings.CLIC_SESSION_REFRESH_SECONDS):
            mark_session_refreshed(session)
        return response


def mark_session_refreshed(session) -> None:
    session[SessionIdleRefreshMiddleware.REFRESHED] = int(time.time())


def session_refreshed_at_sign_in(sender, request, user, **kwargs) -> None:
    """Signing in saves the session with its whole idle time: the next minute's requests
    need not save it again."""
    mark_session_refreshed(request.session)
