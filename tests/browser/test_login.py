"""Every demo login, through the real sign-in page in Chromium, to its home page and out."""

import pytest
from django.core.management import call_command

from clic.accounts.demo import DEMO_PASSWORD, DEMO_PEOPLE, demo_email
from clic.accounts.models import Role
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# login -> (full name, a role heading their home page must show)
DEMO_LOGINS = {login: (full_name, Role(role).label)
               for login, full_name, _job, role, _organisation in DEMO_PEOPLE}


@pytest.fixture
def demo(settings):
    # Demo users are not forced to set up two-factor authentication (issue 2, item 8).
    settings.CLIC_MFA_ENFORCED = False
    call_command("load_demo")


def sign_in(page, live_server, email, password=DEMO_PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("login", list(DEMO_LOGINS))
def test_every_demo_login_reaches_its_home_page(page, live_server, demo, login):
    full_name, role_heading = DEMO_LOGINS[login]
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    axe_check(page)

    sign_in(page, live_server, demo_email(login))

    assert page.url == f"{live_server.url}/"
    main = page.get_by_role("main")
    assert main.get_by_role("heading", level=1).inner_text().endswith(full_name)
    assert main.get_by_role("heading", level=2, name=role_heading).is_visible()
    axe_check(page)

    page.get_by_role("button", name="Sign out").click()
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("button", name="Sign out").count() == 0


def test_wrong_password_shows_the_error_summary(page, live_server, demo):
    sign_in(page, live_server, demo_email("pd"), password="not the password")

    summary = page.locator(".nhsuk-error-summary")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    # The summary's link takes the focus to the field to correct.
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_login"
    assert page.title().startswith("Error: ")
    axe_check(page)
