"""The timetable template editor in Chromium, with axe-core on every page visited."""

import pytest
from django.core.management import call_command

from clic.accounts.demo import demo_email
from rotations.models import ProgrammeTemplate, Weekday
from tests.browser.test_login import sign_in
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.CLIC_MFA_ENFORCED = False
    call_command("load_demo")


def test_pd_copies_the_handbook_previews_a_tuesday_and_saves(page, live_server, demo):
    sign_in(page, live_server, demo_email("pd"))
    page.goto(f"{live_server.url}/cohorts/")
    page.get_by_role("link", name="Timetable templates").click()
    axe_check(page)
    page.get_by_role("link", name="East Kent CLIC handbook (16 weeks)").click()
    axe_check(page)
    page.get_by_role("link", name="Copy it to start another").click()
    axe_check(page)
    page.get_by_label("Name of the new template").fill("East Kent Tuesday pattern")
    page.get_by_role("button", name="Copy the template").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith(
        "Edit East Kent Tuesday pattern")
    axe_check(page)

    # A meeting week beyond the end is refused on its field; nothing is saved.
    page.get_by_label("SOP meeting weeks (optional)").fill("1, 2, 8, 12, 19")
    page.get_by_role("button", name="Preview the weeks").click()
    assert "Week 19 is outside the 16-week programme" in page.locator(
        ".nhsuk-error-summary").inner_text()
    axe_check(page)

    page.get_by_label("SOP meeting weeks (optional)").fill("1, 2, 8, 12, 16")
    for row in (0, 1):
        page.locator(f"#id_sessions-{row}-weekday").select_option(str(Weekday.TUESDAY.value))
    page.get_by_role("button", name="Preview the weeks").click()
    preview = page.get_by_role("table", name="Every week as it would be planned")
    assert preview.inner_text().count("Tuesday 09:30–12:30") == 16
    axe_check(page)
    template = ProgrammeTemplate.objects.get(name="East Kent Tuesday pattern")
    assert template.versions.get().teaching_weekdays == [Weekday.WEDNESDAY]

    page.get_by_role("button", name="Save the template").click()
    assert "Version 1 saved." in page.get_by_role("main").inner_text()
    axe_check(page)
    assert template.versions.get().teaching_weekdays == [Weekday.TUESDAY]
