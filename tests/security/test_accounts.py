"""Hardened accounts (issue 8, item 2): two-factor sign-in for programme staff and CCG admin,
passwords after the NCSC's guidance, sign-in failures that reveal nothing, sessions that end
after inactivity and on a password change."""

import datetime
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clic.accounts.middleware import SessionIdleRefreshMiddleware
from clic.accounts.validators import PatternPasswordValidator

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password


def home_status(client: Client) -> str:
    response = client.get(reverse("home"))
    if response.status_code == 302:
        return response["Location"].split("?")[0]
    return str(response.status_code)


# --- Two-factor authentication ----------------------------------------------------------


@pytest.mark.parametrize("who", ["pd", "pa", "ccg_admin"])
def test_programme_staff_and_ccg_admin_must_set_up_two_factor_first(client, world, settings, who):
    settings.CLIC_MFA_ENFORCED = True
    client.force_login(getattr(world, who))
    assert home_status(client) == reverse("mfa_activate_totp")
    # Every page of the service, not just home.
    assert client.get(reverse("absences:programme"))["Location"].startswith(
        reverse("mfa_activate_totp"))
    # Setting it up is reachable (after confirming the password: force_login did not ask it).
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


@pytest.mark.parametrize("who", ["trainee", "supervisor", "lead", "es", "chair"])
def test_other_roles_are_offered_two_factor_but_not_forced(client, world, settings, who):
    settings.CLIC_MFA_ENFORCED = True
    client.force_login(getattr(world, who))
    assert home_status(client) == "200"
    profile = client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in profile
    assert client.get(reverse("mfa_index")).status_code == 200


def test_with_two_factor_set_up_the_pd_uses_the_service(client, world, settings):
    settings.CLIC_MFA_ENFORCED = True
    Authenticator.objects.create(user=world.pd, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    client.force_login(world.pd)
    assert home_status(client) == "200"


def test_the_roles_that_need_two_factor_are_configurable(client, world, settings):
    settings.CLIC_MFA_ENFORCED = True
    settings.CLIC_MFA_REQUIRED_ROLES = ["es"]
    client.force_login(world.es)
    assert home_status(client) == reverse("mfa_activate_totp")
    client.force_login(world.pd)
    assert home_status(client) == "200"


# --- Passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize("password", [
    "qwertyuiop12", "1qaz2wsx3edc", "asdfghjkl;12", "zaq12wsxcde3",  # keyboard walks
    "abcdefgh1234", "9876543210ab",  # sequences
    "aaaaaaaaaaaa", "hello1hello1", "abcabcabcabc",  # repeats
    "my clic password 2026", "ClicClicClic!",  # the service's name
    "trainee.smith 2026!",  # the email's local part
])
def test_pattern_passwords_are_refused(password):
    class Person:
        email = "trainee.smith@nhs.test"

    with pytest.raises(ValidationError):
        PatternPasswordValidator(service_names=["clic"]).validate(password, Person())


@pytest.mark.parametrize("password", [
    "harbour lantern sixteen", "correct horse battery 1234", "Tr0ub4dor&3xyz",
    "a long new pass phrase",
])
def test_passphrases_pass_without_composition_rules(world, password):
    validate_password(password, world.trainee)  # no capital, digit or symbol needed


@pytest.mark.parametrize("password", ["short pass", "password1234", "123456789012345",
                                      "qwertyuiop12"])
def test_the_configured_validators_refuse_short_common_numeric_and_pattern_passwords(
        world, password):
    with pytest.raises(ValidationError):
        validate_password(password, world.trainee)


def test_a_huge_password_is_checked_on_its_first_characters_only(monkeypatch):
    """The pattern checks cost time with the length they read: a megabyte-long password is
    looked at for its first LOOKED_AT characters, so it cannot tie up a worker."""
    from clic.accounts import validators

    lengths = []

    def recording(check):
        def wrapped(password):
            lengths.append(len(password))
            return check(password)
        return wrapped

    monkeypatch.setattr(validators, "strength_left", recording(validators.strength_left))
    monkeypatch.setattr(validators, "is_repeated_chunk",
                        recording(validators.is_repeated_chunk))
    with pytest.raises(ValidationError):
        PatternPasswordValidator().validate("qwerty" * 100_000)
    assert lengths and max(lengths) == validators.LOOKED_AT


def test_the_invitation_page_refuses_a_keyboard_walk(client, world):
    from urllib.parse import urlsplit

    from clic.accounts.services import invitation_url

    address = urlsplit(invitation_url(world.trainee)).path
    response = client.post(address, {"password1": "qwertyuiop12", "password2": "qwertyuiop12"})
    assert response.status_code == 200
    assert "keyboard pattern" in response.content.decode()
    world.trainee.refresh_from_db()
    assert world.trainee.check_password(PASSWORD)


# --- Signing in ---------------------------------------------------------------------------


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(world):
    _verified(world.trainee)
    known = login(Client(), world.trainee.email, "not the password at all")
    unknown = login(Client(), "nobody@nhs.test", "not the password at all")
    assert known.status_code == unknown.status_code == 200
    assert (known.context["form"].errors.as_data()["__all__"][0].messages
            == unknown.context["form"].errors.as_data()["__all__"][0].messages)


def test_a_password_reset_for_an_unknown_address_looks_the_same(world):
    _verified(world.trainee)
    known = Client().post(reverse("account_reset_password"), {"email": world.trainee.email})
    unknown = Client().post(reverse("account_reset_password"), {"email": "nobody@nhs.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_failed_sign_ins_are_limited_per_address(world):
    _verified(world.trainee)
    for _ in range(5):
        login(Client(), world.trainee.email, "not the password at all")
    # A new browser (a new IP would do the same): the address itself is locked for a while.
    response = login(Client(), world.trainee.email, PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


# --- Sessions -----------------------------------------------------------------------------


def _session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_sessions_end_after_thirty_minutes_without_a_request(client, world, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(world.trainee)
    # A request starts the 30 minutes again (a minute after the last time it did).
    _refreshed(client, seconds_ago=60)
    Session.objects.filter(pk=_session(client).pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1))
    assert client.get(reverse("home")).status_code == 200
    left = _session(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)
    # Thirty idle minutes later, the session is gone.
    Session.objects.filter(pk=_session(client).pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert home_status(client) == reverse("account_login")


def _refreshed(client, seconds_ago: int) -> None:
    """As if the session's idle time last started this many seconds ago."""
    session = client.session
    session[SessionIdleRefreshMiddleware.REFRESHED] = int(time.time()) - seconds_ago
    session.save()


def test_requests_start_the_idle_time_again_at_most_once_a_minute(client, world, settings):
    assert settings.CLIC_SESSION_REFRESH_SECONDS == 60
    client.force_login(world.trainee)
    _refreshed(client, seconds_ago=50)
    shortened = timezone.now() + datetime.timedelta(minutes=20)
    Session.objects.filter(pk=_session(client).pk).update(expire_date=shortened)
    # Within the minute: the page reads the session and writes nothing.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"]
                and not q["sql"].startswith("SELECT")]
    assert _session(client).expire_date == shortened
    # A minute on, the next request starts the 30 minutes again.
    _refreshed(client, seconds_ago=61)
    Session.objects.filter(pk=_session(client).pk).update(expire_date=shortened)
    assert client.get(reverse("home")).status_code == 200
    left = _session(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)


def test_requests_without_a_session_make_none(client, world):
    assert client.get(reverse("account_login")).status_code == 200
    feed = client.get(reverse("calendar_feed", args=[world.trainee.calendar_token]))
    assert feed.status_code == 200
    assert Session.objects.count() == 0


def test_changing_the_password_ends_every_other_session(world):
    _verified(world.trainee)
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert login(client, world.trainee.email, PASSWORD).status_code == 302
        assert home_status(client) == "200"
    response = here.post(reverse("account_change_password"), {
        "oldpassword": PASSWORD, "password1": "harbour lantern sixteen",
        "password2": "harbour lantern sixteen"})
    assert response.status_code == 302
    assert home_status(here) == "200"  # the session that changed it goes on
    assert home_status(elsewhere) == reverse("account_login")


def test_a_password_set_from_an_emailed_link_ends_every_session(world):
    from clic.accounts.services import invitation_accept

    _verified(world.trainee)
    client = Client()
    login(client, world.trainee.email, PASSWORD)
    invitation_accept(user=world.trainee, password="harbour lantern sixteen")
    assert home_status(client) == reverse("account_login")
