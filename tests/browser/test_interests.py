"""The register of interests in Chromium, on the demo, with axe-core on every page: a PD
declares an interest in the trainees' CCG, sees it flagged on the presentation day, steps
aside for one trainee, and on the day the service refuses their assessment of her."""

import pytest

from assessments.models import PresentationAssessment
from interests.models import ConflictDecision, Interest
from rotations.demo import running_cohort
from tests.browser import test_journeys
from tests.browser.test_journeys import main_text, sign_in_as, visit
from tests.fixtures.browser import axe_check
from trainees.models import Placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The journeys' fixtures: the demo, and the browser's locale, time zone and window.
browser_context_args = test_journeys.browser_context_args
demo = test_journeys.demo


def test_declare_see_the_flag_step_aside_and_the_assessment_refuses(page, live_server, demo,
                                                                    clock):
    base = live_server.url
    running = running_cohort()
    day = running.presentation_days.get()
    amy = Placement.objects.get(cohort=running, trainee__full_name="Dr Amy Clarke")

    # Dr Rajesh Patel, the second PD, declares a paid role at the trainees' CCG.
    sign_in_as(page, live_server, "pd2")
    visit(page, f"{base}/interests/")
    page.get_by_role("link", name="Declare an interest").click()
    axe_check(page)
    page.get_by_label("Financial interest").check()
    page.locator("#id_organisation").select_option(label=running.ccg.name)
    page.get_by_label("Description").fill("Paid clinical adviser on the frailty pathway.")
    starts = page.get_by_role("group", name="From")
    starts.get_by_label("Day").fill("1")
    starts.get_by_label("Month").fill("4")
    starts.get_by_label("Year").fill("2024")
    ends = page.get_by_role("group", name="To")
    ends.get_by_label("Day").fill("1")
    ends.get_by_label("Month").fill("3")
    ends.get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Save").click()
    assert "The end date must be the same as or after the date it began." in main_text(page)
    axe_check(page)
    assert not Interest.objects.filter(person__email="pd2@clic.test",
                                       organisation=running.ccg).exists()
    for box in ("Day", "Month", "Year"):
        page.get_by_role("group", name="To").get_by_label(box).fill("")
    page.get_by_role("button", name="Save").click()
    assert "Your register of interests is saved." in main_text(page)
    axe_check(page)

    # The presentation day flags it, for each trainee; he steps aside for Amy.
    visit(page, f"{base}/presentation-days/{day.pk}/")
    assert "Dr Rajesh Patel, for Dr Amy Clarke: financial interest in" in main_text(page)
    page.get_by_role("link", name="Confirm no conflict or step aside for Dr Amy Clarke").click()
    axe_check(page)
    page.get_by_label("I step aside for this trainee").check()
    page.get_by_role("button", name="Record my choice").click()
    assert ("Your choice for Dr Amy Clarke is recorded: I step aside for this "
            "trainee.") in main_text(page)
    axe_check(page)
    decision = ConflictDecision.objects.get(person__email="pd2@clic.test", placement=amy)
    assert decision.stepped_aside

    # On the day, his assessment of Amy is refused with the reason.
    clock.set(day.date)
    sign_in_as(page, live_server, "pd2")
    visit(page, f"{base}/placements/{amy.pk}/assessment/")
    assert "You stepped aside for Dr Amy Clarke" in main_text(page)
    page.get_by_role("link", name="Record the presentation assessment").click()
    axe_check(page)
    for point in ("Relevance of the project to commissioning", "Leadership learning",
                  "Communication of the project and its outcomes"):
        page.get_by_role("group", name=point).get_by_label("4").check()
    page.get_by_role("group", name="Overall outcome").get_by_label("Competent").check()
    page.get_by_label("Feedback").fill("Clear and well argued.")
    page.get_by_role("button", name="Record the assessment").click()
    assert "You stepped aside for Dr Amy Clarke" in main_text(page)
    axe_check(page)
    assert not PresentationAssessment.objects.filter(placement=amy).exists()
