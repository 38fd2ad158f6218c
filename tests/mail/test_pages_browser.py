"""The outbox, "Who is told what" and the audit log's filters in Chromium: usable without
JavaScript tricks, and clean under axe-core and the strict Content Security Policy."""

import pytest
from django.test import Client

from clic.mail.models import OutboundEmail
from clic.mail.services import sop_notify
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_pd_filters_the_outbox_reads_an_email_and_the_catalogue(page, live_server, world,
                                                                 settings):
    settings.CLIC_MFA_ENFORCED = False
    rows = sop_notify(code="S5", event_key="absence:1", about=world.placement,
                      placement=world.placement, context={"days": [world.cohort.start_date]})
    failed = next(row for row in rows if row.to_email == "lead@nhs.test")
    OutboundEmail.objects.filter(pk=failed.pk).update(
        status=OutboundEmail.Status.FAILED, attempts=1, last_error="550 5.1.1 Mailbox unavailable")
    signed_in(page, live_server, world.pd)

    page.goto(f"{live_server.url}/outbox/")
    assert page.get_by_role("heading", level=1).inner_text() == "Outbox"
    assert page.locator("tbody tr").count() == 3
    axe_check(page)

    # The filters other than the search fold away until asked for.
    assert not page.get_by_label("Status").is_visible()
    page.get_by_text("More filters").click()
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Filter").click()
    assert "status=failed" in page.url
    assert page.locator("tbody tr").count() == 1
    assert page.get_by_role("button", name="Send again").is_visible()
    axe_check(page)

    page.get_by_role("link", name=failed.subject).click()
    assert page.get_by_text("550 5.1.1 Mailbox unavailable").is_visible()
    assert page.get_by_text("Dear Dr Lead,").is_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/sop/")
    assert page.get_by_role("heading", level=1).inner_text() == "Who is told what"
    assert page.get_by_role("heading", name="S17: End of rotation").is_visible()
    axe_check(page)


def test_a_mistyped_filter_is_shown_with_its_message_on_the_outbox_and_audit_log(
        page, live_server, world, settings):
    settings.CLIC_MFA_ENFORCED = False
    signed_in(page, live_server, world.pd)

    page.goto(f"{live_server.url}/outbox/?status=nonsense")
    summary = page.locator(".nhsuk-error-summary")
    assert "Select a valid choice" in summary.inner_text()
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_status"
    axe_check(page)

    page.goto(f"{live_server.url}/audit/?start=31/02/2026")
    assert page.get_by_text("From must be a real date").first.is_visible()
    axe_check(page)


def test_pd_changes_an_email_sees_the_example_and_saves_a_version(page, live_server, world,
                                                                  settings):
    settings.CLIC_MFA_ENFORCED = False
    signed_in(page, live_server, world.pd)

    page.goto(f"{live_server.url}/sop/")
    page.get_by_role("link", name="Change S6").click()
    assert "Change S6: Sickness on any other day" in page.get_by_role(
        "heading", level=1).inner_text()
    axe_check(page)

    page.get_by_label("Subject").fill("Off sick: {{ trainee.full_name }} {{ reason }}")
    page.get_by_role("button", name="Show the example email").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "{{ reason }}: not a variable this email offers" in summary.inner_text()
    axe_check(page)

    page.get_by_label("Subject").fill("Off sick: {{ trainee.full_name }}")
    page.get_by_role("button", name="Show the example email").click()
    assert page.get_by_text("Off sick: Dr Alex Example").is_visible()
    axe_check(page)

    page.get_by_role("button", name="Save as a new version").click()
    assert page.get_by_text("Saved as version 1").is_visible()
    assert page.get_by_role("cell", name="S6: subject changed", exact=False).is_visible()
    axe_check(page)
