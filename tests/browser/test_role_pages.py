"""Each demo role's main pages in Chromium at a desktop width (1280 px) and a phone's (390 px):
no page scrolls sideways, axe-core finds nothing, and nothing the page asks for is missing.

Each page is loaded once at each width.
"""

import pytest
from django.core.management import call_command

from rotations.demo import running_cohort
from tests.browser.test_journeys import sign_in_as
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
# Each role's main pages beyond its home page and the header's links.
MORE_PAGES = {
    "pd": ["/diary/month/", "/cohorts/{running}/", "/cohorts/{running}/timetable/"],
    "trainee3": ["/diary/month/"],
    "pa": [],
    "supervisor": [],
    "ccgadmin": [],
    "es": [],
    "lead": [],
    "chair": [],
}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London",
            "viewport": {"width": WIDTHS[0], "height": 900}}


@pytest.fixture
def demo(settings):
    settings.CLIC_MFA_ENFORCED = False
    call_command("load_demo")


def _overflow(page) -> list[str]:
    """What sticks out past the window's right edge, if the page scrolls sideways."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth ? [] :"
        " [...document.querySelectorAll('main *')]"
        "   .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        "   .slice(0, 3).map(e => e.tagName + '.' + e.className)"
        "   .concat([document.documentElement.scrollWidth + ' > ' + window.innerWidth])")


def _check_at_every_width(page, missing: list[str]) -> None:
    """The page as loaded at each width (loaded again, as the header lays out its menu once
    on load, not on every resize)."""
    for width in WIDTHS:
        if width != WIDTHS[0]:
            page.set_viewport_size({"width": width, "height": 900})
            page.reload()
        assert _overflow(page) == [], f"{page.url} scrolls sideways at {width} px"
        axe_check(page)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    assert missing == [], f"{page.url} asked for what is not there"


def test_every_roles_main_pages_fit_a_phone_and_a_desktop(page, live_server, demo):
    running = running_cohort().pk
    missing = []
    page.on("response", lambda response: response.status >= 400 and missing.append(
        f"{response.status} {response.url}"))
    for login, more in MORE_PAGES.items():
        sign_in_as(page, live_server, login)
        _check_at_every_width(page, missing)
        links = page.eval_on_selector_all(".nhsuk-header__navigation-list a",
                                          "links => links.map(a => a.getAttribute('href'))")
        for path in [*dict.fromkeys(link for link in links if link != "/"),
                     *(address.format(running=running) for address in more)]:
            page.goto(f"{live_server.url}{path}")
            _check_at_every_width(page, missing)


def test_the_month_diary_shows_every_weekday_on_a_phone(page, live_server, demo):
    sign_in_as(page, live_server, "trainee3")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/diary/month/")

    # Every day of the month is within the window, none hidden off to the side.
    days = page.locator("main table tbody td")
    boxes = [days.nth(i).bounding_box() for i in range(days.count())]
    shown = [box for box in boxes if box]
    assert len(shown) >= 20
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1 for box in shown)
    # Her project day (Tuesday in the demo) is there with its sessions, labelled.
    assert page.get_by_text("Project work at CCG base").first.is_visible()
    assert page.locator(".nhsuk-table-responsive__heading", has_text="Thursday").first.is_visible()
