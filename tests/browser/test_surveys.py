"""The temperature check in Chromium, on the demo, with axe-core on every page: a PD drafts
next year's, adds a question and opens it after the confirmation that counts who is emailed;
reads last year's results with one group shown and one suppressed; trainee 1 answers this
year's, is refused on a left-out rating, and cannot answer twice."""

import datetime

import pytest
from django.utils import timezone

from clic.accounts.demo import demo_email
from clic.mail.models import OutboundEmail
from surveys.models import Invitation, Response, Survey
from tests.browser.test_login import demo, sign_in  # noqa: F401 - the demo fixture
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pd_opens_a_temperature_check_and_reads_last_years_results(page, live_server, demo):  # noqa: F811
    year = timezone.localdate().year
    sign_in(page, live_server, demo_email("pd"))
    page.get_by_role("link", name="Temperature checks").click()
    axe_check(page)
    page.get_by_role("link", name=str(year - 1)).click()
    page.get_by_role("link", name="See the results").click()
    main = page.get_by_role("main").inner_text()
    # 7 trainees and 2 CCG Supervisors answered; the demo's 2 alumni were asked too.
    assert "9 of 13 people asked have answered" in main
    assert "Not shown: CCG Supervisor (2 answered)" in main
    assert page.get_by_role("columnheader", name="Trainee").count() == 5
    axe_check(page)
    page.get_by_role("button", name="Make a PDF summary").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"PDF summary: temperature check {year - 1}")
    axe_check(page)
    page.get_by_role("link", name="Back to the results").click()

    page.get_by_role("link", name="Back to the temperature check").click()
    page.get_by_role("link", name="Back to temperature checks").click()
    page.get_by_role("button", name="Start a temperature check").click()
    page.get_by_label("Year").fill(str(year + 1))
    page.get_by_role("button", name="Make the draft").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Temperature check {year + 1}"
    page.get_by_label("Your question").fill("Did the Wednesday teaching help your project?")
    page.get_by_role("button", name="Add the question").click()
    assert "Did the Wednesday teaching help your project?" in page.get_by_role("main").inner_text()
    axe_check(page)

    page.get_by_role("button", name="Open it and email everyone it asks").click()
    assert "13 people will be emailed" in page.get_by_role("main").inner_text()
    axe_check(page)
    sent_before = OutboundEmail.objects.filter(code="SURVEY").count()
    page.get_by_role("button", name="Open it and email 13 people").click()
    assert page.locator(".nhsuk-error-summary").count() == 1  # no closing date yet
    axe_check(page)
    closes = timezone.localdate() + datetime.timedelta(days=21)
    closing = page.get_by_role("group", name="Closing date")
    closing.get_by_label("Day").fill(str(closes.day))
    closing.get_by_label("Month").fill(str(closes.month))
    closing.get_by_label("Year").fill(str(closes.year))
    page.get_by_role("button", name="Open it and email 13 people").click()
    assert "The temperature check is open" in page.get_by_role("main").inner_text()
    axe_check(page)
    # The demo's 2 alumni are asked too.
    assert OutboundEmail.objects.filter(code="SURVEY").count() == sent_before + 13
    assert Survey.objects.get(year=year + 1).is_open


def test_a_trainee_answers_once_and_anonymously(page, live_server, demo):  # noqa: F811
    year = timezone.localdate().year
    survey = Survey.objects.get(year=year, programme__name__contains="east Kent")
    sign_in(page, live_server, demo_email("trainee1"))
    page.get_by_role("link", name=f"Answer the temperature check {year}").click()
    axe_check(page)
    page.get_by_role("button", name="Send your answers").click()
    assert page.locator(".nhsuk-error-summary").count() == 1
    axe_check(page)
    responses = Response.objects.filter(survey=survey).count()

    for group in page.get_by_role("group").all():
        options = group.get_by_label("Agree", exact=True)
        if options.count():
            options.check()
    page.get_by_role("textbox").first.fill("More time with the CCG's decision makers.")
    page.get_by_role("button", name="Send your answers").click()
    assert "Thank you" in page.get_by_role("main").inner_text()
    axe_check(page)
    assert Response.objects.filter(survey=survey).count() == responses + 1
    assert Invitation.objects.get(survey=survey, person__email=demo_email("trainee1")).answered

    page.goto(f"{live_server.url}/")
    assert page.get_by_role("link", name=f"Answer the temperature check {year}").count() == 0
