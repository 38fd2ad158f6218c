"""The leadership opportunities board in Chromium on the demo, each page axe-clean: a PD
publishes a role (a past closing date refused on the field first), a trainee finds it on
their home page, says they are interested and answers the monitoring questions, another
subscribes to the digest, and the PD sees who is interested and the suppressed counts."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from clic.accounts.demo import demo_email
from opportunities.models import DigestSubscription, Interest, MonitoringResponse, Opportunity
from tests.browser.test_login import sign_in
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWERS = {"profession": "nurse", "age_band": "35_44", "sex": "female",
           "gender_same_as_birth": "yes", "sexual_orientation": "prefer_not",
           "ethnic_group": "mixed", "religion": "none", "disability": "no"}


def _sign_in(page, live_server, login):
    page.context.clear_cookies()
    sign_in(page, live_server, demo_email(login))


def _closing_date(page, day: datetime.date):
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        page.locator(f'input[name="closing_date-{part}"]').fill(str(value))


def test_publishing_interest_monitoring_and_the_digest_in_the_browser(page, live_server,
                                                                      settings):
    settings.CLIC_MFA_ENFORCED = False
    call_command("load_demo")
    today = timezone.localdate()

    # A PD publishes a role: a closing date in the past is refused on the field.
    _sign_in(page, live_server, "pd")
    page.goto(f"{live_server.url}/opportunities/")
    axe_check(page)
    page.get_by_role("link", name="Publish a role").click()
    page.get_by_label("Role title").fill("Clinical lead, diabetes")
    page.get_by_label("Organisation").fill("East Kent CCG")
    page.get_by_label("Time commitment").fill("1 session a week")
    page.get_by_label("Email address to apply to").fill("diabetes.jobs@nhs.net")
    page.get_by_label("Description").fill("Lead the diabetes pathway's review.")
    _closing_date(page, today - datetime.timedelta(days=1))
    page.get_by_role("button", name="Publish the role").click()
    assert "Closing date must be today or in the future" in page.locator(
        ".nhsuk-error-summary").inner_text()
    axe_check(page)
    assert not Opportunity.objects.filter(title="Clinical lead, diabetes").exists()
    _closing_date(page, today + datetime.timedelta(days=10))
    page.get_by_role("button", name="Publish the role").click()
    assert "The role is published" in page.get_by_role("main").inner_text()
    axe_check(page)
    role = Opportunity.objects.get(title="Clinical lead, diabetes")

    # Amy sees it on her home page, says she is interested and answers the questions.
    _sign_in(page, live_server, "trainee1")
    page.get_by_role("link", name="Clinical lead, diabetes").click()
    axe_check(page)
    page.get_by_role("button", name="I am interested").click()
    assert "Equality monitoring (optional)" in page.get_by_role("heading", level=1).inner_text()
    axe_check(page)
    page.get_by_role("button", name="Send my answers").click()  # nothing chosen yet
    assert "Prefer not to say" in page.locator(".nhsuk-error-summary").inner_text()
    axe_check(page)
    for name, value in ANSWERS.items():
        page.locator(f'input[name="{name}"][value="{value}"]').check()
    page.get_by_role("button", name="Send my answers").click()
    assert "Your answers are kept without your name" in page.get_by_role("main").inner_text()
    assert Interest.objects.get(opportunity=role).person.email == demo_email("trainee1")
    assert MonitoringResponse.objects.filter(opportunity=role, ethnic_group="mixed").count() == 1

    # Chloe subscribes to the weekly digest.
    _sign_in(page, live_server, "trainee3")
    page.goto(f"{live_server.url}/opportunities/")
    page.get_by_role("link", name="Subscribe to the weekly digest").click()
    axe_check(page)
    page.get_by_role("button", name="Subscribe to the weekly digest").click()
    assert "You are subscribed" in page.get_by_role("main").inner_text()
    assert DigestSubscription.objects.filter(person__email=demo_email("trainee3")).exists()

    # The PD sees who is interested; the one set of answers is below the reporting size.
    _sign_in(page, live_server, "pd")
    page.goto(f"{live_server.url}/opportunities/{role.pk}/")
    main = page.get_by_role("main").inner_text()
    assert "Dr Amy Clarke" in main and "1 person has said they are interested" in main
    assert "fewer than 5" in main
    axe_check(page)
    page.goto(f"{live_server.url}/opportunities/monitoring/")
    axe_check(page)
