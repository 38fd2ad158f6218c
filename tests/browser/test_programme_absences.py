"""The PD's "Absences of your cohorts" page in Chromium, on the demo: axe-clean with the
current cohorts, a chosen earlier cohort, a filter error and a second page of reports, and
the filters and page links are plain links and a GET form."""

import datetime

import pytest
from django.core.management import call_command

from absences.models import Absence
from clic.accounts.demo import demo_email
from rotations.demo import running_cohort
from rotations.models import Cohort
from rotations.timetable import bank_holidays
from tests.browser.test_login import sign_in
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_programme_absences_pages_are_accessible(page, live_server, settings):
    settings.CLIC_MFA_ENFORCED = False
    call_command("load_demo")
    cohort = running_cohort()
    placement = cohort.placements.select_related("trainee").first()
    closed = bank_holidays(cohort.start_date, cohort.end_date)
    days = [cohort.start_date + datetime.timedelta(days=n) for n in range(16 * 7)]
    for day in [d for d in days if d.weekday() < 5 and d not in closed][:55]:
        Absence.objects.create(placement=placement, kind=Absence.Kind.SICKNESS, first_day=day,
                               last_day=day)
    earlier = Cohort.objects.filter(programme=cohort.programme,
                                    start_date__lt=cohort.start_date).order_by("start_date").first()

    sign_in(page, live_server, demo_email("pd"))
    page.goto(f"{live_server.url}/absences/programme/")
    assert page.get_by_label("Cohort").input_value() == ""
    assert "Showing your current cohorts" in page.get_by_role("main").inner_text()
    axe_check(page)

    page.get_by_role("navigation", name="Pages of reports").get_by_role("link").click()
    assert "page=2" in page.url
    assert "Reports 51 to" in page.get_by_role("main").inner_text()
    axe_check(page)

    page.get_by_label("Cohort").select_option(str(earlier.pk))  # last year's
    page.get_by_role("button", name="Filter").click()
    assert f"Showing {earlier.name}." in page.get_by_role("main").inner_text()
    axe_check(page)

    page.goto(f"{live_server.url}/absences/programme/?cohort=x")
    assert "Select a valid choice" in page.get_by_role("main").inner_text()
    axe_check(page)
