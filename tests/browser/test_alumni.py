"""Alumni and mentoring in Chromium, axe-clean (issue 24, item 1): an alumnus offers to
mentor, the PD pairs them with a trainee, the mentor logs a meeting, and the PD sees that
the pair met, not what was said."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from clic.accounts.demo import demo_email
from clic.mail.models import OutboundEmail
from community import services
from community.models import Alumnus
from tests.browser.test_login import sign_in
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Talked about a CCG committee seat: between us"


@pytest.fixture
def demo(settings):
    settings.CLIC_MFA_ENFORCED = False
    call_command("load_demo")
    # Dr Harry Lewis has not offered to mentor yet: he does it in the browser.
    alumnus = Alumnus.objects.get(user__email=demo_email("alumnus2"))
    services.alumnus_update(alumnus=alumnus, listed=True, current_role="Salaried GP",
                            organisation="", interests="", happy_to_be_contacted=False,
                            offers_mentoring=False, mentoring_offer="")


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_an_alumnus_offers_the_pd_pairs_the_mentor_logs_and_the_pd_sees_the_count(
        page, live_server, demo):
    sign_in(page, live_server, demo_email("alumnus2"))
    page.get_by_role("link", name="Alumni", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name="What you share").click()
    page.get_by_label("I offer to mentor a trainee").check()
    page.get_by_label("What I offer as a mentor").fill("Presenting to the executive panel.")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Your alumni details are saved.").is_visible()
    axe_check(page)
    sign_out(page)

    sign_in(page, live_server, demo_email("pd"))
    page.get_by_role("link", name="Alumni", exact=True).click()
    page.get_by_role("link", name="Mentoring in HEE KSS GP Specialty Training (east Kent)").click()
    axe_check(page)
    page.get_by_role("button", name="Pair Dr Harry Lewis with Dr Chloe Evans").click()
    assert page.get_by_text("Dr Harry Lewis now mentors Dr Chloe Evans").is_visible()
    axe_check(page)
    sign_out(page)
    told = OutboundEmail.objects.filter(code="MENTOR-PAIRED", subject__contains="Chloe Evans")
    assert list(told.values_list("to_email", flat=True)) == [demo_email("alumnus2")]
    assert OutboundEmail.objects.filter(code="MENTOR-PAIRED", to_email=demo_email("trainee3"),
                                        subject="Dr Harry Lewis is your CLIC mentor").exists()

    sign_in(page, live_server, demo_email("alumnus2"))
    page.get_by_role("link", name="Mentoring Dr Chloe Evans").click()
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Private note").fill(NOTE)
    page.get_by_role("button", name="Log the meeting").click()
    assert page.get_by_text("The meeting is logged.").is_visible()
    assert page.get_by_text(NOTE).is_visible()
    axe_check(page)
    sign_out(page)

    sign_in(page, live_server, demo_email("pd"))
    page.get_by_role("link", name="Alumni", exact=True).click()
    page.get_by_role("link", name="Mentoring in HEE KSS GP Specialty Training (east Kent)").click()
    row = page.get_by_role("row").filter(has_text="Dr Chloe Evans")
    assert row.get_by_role("cell").nth(3).inner_text() == "1"
    assert row.get_by_role("cell").nth(4).inner_text() == today.strftime("%-d %b %Y")
    # The demo's first pair met too; its second has not yet.
    assert page.get_by_text("2 of 3 pairs have met.").is_visible()
    assert NOTE not in page.content()
    axe_check(page)
