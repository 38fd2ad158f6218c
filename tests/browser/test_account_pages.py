"""allauth's pages in the NHS.UK layout, each accessible: password reset and change,
sign-out confirmation, closed sign-up and a spent email confirmation link."""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from tests.browser.test_login import sign_in
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def trainee(world):
    EmailAddress.objects.create(user=world.trainee, email=world.trainee.email, verified=True,
                                primary=True)
    return world.trainee


def h1(page) -> str:
    return page.get_by_role("main").get_by_role("heading", level=1).inner_text()


def test_password_reset_pages(page, live_server, trainee):
    page.goto(live_server.url + reverse("account_reset_password"))
    assert h1(page) == "Reset your password"
    page.get_by_role("button", name="Email me a reset link").click()
    assert page.locator(".nhsuk-error-summary").get_by_role("link").inner_text() == "Enter email"
    axe_check(page)

    page.goto(live_server.url + reverse("account_reset_password_done"))
    assert h1(page) == "Check your email"
    axe_check(page)

    key_url = reverse("account_reset_password_from_key", kwargs={
        "uidb36": user_pk_to_url_str(trainee), "key": default_token_generator.make_token(trainee)})
    page.goto(live_server.url + key_url)
    assert h1(page) == "Choose a new password"
    page.get_by_label("New Password", exact=True).fill("a long new password 2026")
    page.get_by_label("New Password (again)").fill("something else")
    page.get_by_role("button", name="Save password").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    axe_check(page)
    page.get_by_label("New Password", exact=True).fill("a long new password 2026")
    page.get_by_label("New Password (again)").fill("a long new password 2026")
    page.get_by_role("button", name="Save password").click()
    assert h1(page) == "Your password has been changed"
    axe_check(page)

    page.goto(live_server.url + key_url)
    assert h1(page) == "This link has expired"
    axe_check(page)


def test_closed_sign_up_and_spent_confirmation_link(page, live_server):
    page.goto(live_server.url + reverse("account_signup"))
    assert h1(page) == "Accounts are by invitation"
    axe_check(page)

    page.goto(live_server.url + reverse("account_confirm_email", args=["no-such-key"]))
    assert h1(page) == "Confirm your email address"
    assert "expired or is not valid" in page.get_by_role("main").inner_text()
    axe_check(page)


def test_password_change_and_sign_out_confirmation(page, live_server, trainee):
    sign_in(page, live_server, trainee.email, password="correct-horse-battery")

    page.goto(live_server.url + reverse("account_change_password"))
    assert h1(page) == "Change your password"
    axe_check(page)

    page.goto(live_server.url + reverse("account_logout"))
    assert h1(page) == "Sign out"
    axe_check(page)
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    assert page.url.startswith(live_server.url + reverse("account_login"))
