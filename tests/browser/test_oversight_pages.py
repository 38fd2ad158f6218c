"""The oversight pages in Chromium (issue 19, section 4), axe-clean: a staff home with its
to-do panel, a line of it followed to where the work is done, the trainee's page, the
concerns sent to the Deputy Clinical Chair and the timetable's 16-week overview."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from clic.accounts.demo import demo_email
from rotations.demo import running_cohort
from tests.browser.test_login import sign_in
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.CLIC_MFA_ENFORCED = False
    call_command("load_demo")


def test_a_pd_works_from_the_to_do_panel_and_the_trainee_page(page, live_server, demo):
    sign_in(page, live_server, demo_email("pd"))
    todo = page.get_by_role("region", name="To do")
    assert todo.get_by_role("link", name="1 email could not be sent").is_visible()
    axe_check(page)

    todo.get_by_role("link", name="Decide Dr Amy Clarke's annual leave request").click()
    assert "/absences/" in page.url and page.get_by_role("heading", level=1).is_visible()

    page.goto(f"{live_server.url}/")
    main = page.get_by_role("main")
    main.get_by_role("link", name="Dr Daniel Shah", exact=True).first.click()
    assert "/trainees/" in page.url
    for heading in ("Project", "Meetings", "Progress", "Concerns", "Absences",
                    "Reflective entries", "Presentation", "Assessments"):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible(), heading
    assert "Migraine" not in page.content()
    axe_check(page)

    page.goto(f"{live_server.url}{reverse('cohort_timetable', args=[running_cohort().pk])}")
    page.get_by_role("link", name="All 16 weeks at a glance, with who is away").click()
    assert page.get_by_role("link", name="Week 16").is_visible()
    axe_check(page)


def test_the_deputy_chair_reads_the_concerns_sent_to_them(page, live_server, demo):
    sign_in(page, live_server, demo_email("chair"))
    page.get_by_role("link", name="Concerns sent to you").click()
    page.get_by_role("link", name="Two project days missed without notice").first.click()
    assert page.get_by_role("heading", level=1).is_visible()
    page.go_back()
    axe_check(page)
    page.get_by_role("link", name="Dr Daniel Shah").click()
    assert page.get_by_role("heading", name="Concerns", exact=True).is_visible()
    assert page.get_by_role("heading", name="Assessments", exact=True).count() == 0
    axe_check(page)
