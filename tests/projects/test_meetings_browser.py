"""Cancelling an SOP meeting in Chromium: its own page says who is emailed, then it cancels;
both pages clean under axe-core."""

import datetime

import pytest
from django.test import Client

from clic.mail.models import OutboundEmail
from projects import services
from projects.models import Meeting, MeetingKind
from tests.fixtures.browser import axe_check

from .helpers import week_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_cancels_a_meeting_from_its_own_page(page, live_server, world):
    services.meeting_schedule(placement=world.placement, kind=MeetingKind.REVIEW_8,
                              by=world.supervisor, date=week_day(world.cohort, 8, 2),
                              start_time=datetime.time(10), end_time=datetime.time(11),
                              venue="CCG offices, room 4")
    client = Client()
    client.force_login(world.supervisor)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])

    page.goto(f"{live_server.url}/placements/{world.placement.pk}/meetings/")
    page.get_by_role("link", name="Cancel the week 8 review").click()

    assert page.get_by_role("heading", level=1).inner_text().endswith(
        "Cancel the week 8 review?")
    assert "Dr Trainee (Trainee)" in page.get_by_role("main").inner_text()
    axe_check(page)
    page.get_by_role("button", name="Cancel the meeting").click()

    assert page.url.endswith(f"/placements/{world.placement.pk}/meetings/")
    assert "Week 8 review is cancelled" in page.get_by_role("main").inner_text()
    axe_check(page)
    assert not Meeting.objects.exists()
    assert OutboundEmail.objects.filter(code="MEETING_CANCELLED",
                                        to_email="trainee@nhs.test").count() == 1
