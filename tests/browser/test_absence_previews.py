"""The absence pages issue 19 added or changed, in Chromium on the demo, each axe-clean: the
CCG admin recording a mailbox sickness (form, preview, the report), "I'm back" with its
preview, a PA's decision page and a supervisor's list of CCG-day absences."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from absences import services
from absences.models import Absence
from clic.accounts.demo import demo_email
from clic.accounts.models import User
from rotations.demo import running_cohort
from rotations.models import Session
from tests.browser.test_login import sign_in
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, login):
    page.context.clear_cookies()
    sign_in(page, live_server, demo_email(login))


def test_the_new_absence_pages_are_accessible_and_name_who_is_told(page, live_server,
                                                                    settings):
    settings.CLIC_MFA_ENFORCED = False
    call_command("load_demo")
    today = timezone.localdate()
    cohort = running_cohort()
    daniel = cohort.placements.get(trainee__email=demo_email("trainee4"))
    project_day = (Session.objects.filter(placement=daniel, date__lte=today,
                                          status=Session.Status.SCHEDULED)
                   .exclude(kind=Session.Kind.BANK_HOLIDAY).order_by("-date").first().date)

    # The CCG admin records Daniel's sickness, emailed to the mailbox.
    _sign_in(page, live_server, "ccgadmin")
    page.goto(f"{live_server.url}/absences/ccg/")
    page.get_by_text("Record a sickness emailed to the mailbox").click()
    assert page.get_by_role("link", name="Record a sickness for Dr Daniel Shah").is_visible()
    axe_check(page)
    page.goto(f"{live_server.url}/absences/report/{daniel.pk}/sickness/"
              f"?date={project_day.isoformat()}")
    axe_check(page)
    page.get_by_role("button", name="Continue").click()
    told = page.locator(".clic-told").inner_text()
    assert "ekccgs.quality@nhs.net" in told and demo_email("supervisor") in told
    axe_check(page)
    page.get_by_role("button", name="Confirm and send").click()
    assert "Recorded." in page.get_by_role("main").inner_text()
    axe_check(page)
    assert Absence.objects.get(placement=daniel, kind=Absence.Kind.SICKNESS).reported_by == (
        User.objects.get(email=demo_email("ccgadmin")))

    # A supervisor's list of their trainees' CCG-day absences.
    _sign_in(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/absences/supervised/")
    assert "Dr Daniel Shah" in page.get_by_role("main").inner_text()
    axe_check(page)

    # A PA decides Amy's pending leave on the PDs' behalf, seeing who will be emailed.
    pending = Absence.objects.filter(state=Absence.State.PENDING,
                                     kind=Absence.Kind.ANNUAL_LEAVE).first()
    _sign_in(page, live_server, "pa")
    page.goto(f"{live_server.url}/absences/{pending.pk}/")
    page.get_by_role("button", name="Decide on the Programme Directors' behalf").click()
    assert demo_email("supervisor") in page.locator(".clic-told").inner_text()
    axe_check(page)

    # "I'm back" on an open-ended sickness: the day, then who will be emailed.
    amy = cohort.placements.get(trainee__email=demo_email("trainee1"))
    open_sickness = services.absence_report(
        placement=amy, kind=Absence.Kind.SICKNESS, first_day=today, last_day=None,
        reported_by=amy.trainee)
    _sign_in(page, live_server, "trainee1")
    page.goto(f"{live_server.url}/absences/{open_sickness.pk}/back/")
    axe_check(page)
    page.get_by_role("button", name="Continue").click()
    assert "Check before you send" in page.get_by_role("main").inner_text()
    axe_check(page)
    page.get_by_role("button", name="Confirm and send").click()
    assert "Welcome back" in page.get_by_role("main").inner_text()
