import datetime

import pytest
from django.core.management import call_command

from clic.accounts.models import User
from clic.mail.models import OutboundEmail
from projects import selectors, services
from projects.exporters import meeting_event
from projects.models import Concern, Meeting, MeetingKind, ProgressEntry, Project
from rotations import diary

from .helpers import week_day

pytestmark = pytest.mark.django_db


def test_load_demo_builds_the_projects_part_through_the_services():
    call_command("load_demo")
    today = datetime.date.today()
    trainee2 = User.objects.get(email="trainee2@clic.test")
    placement = trainee2.placements.get()
    assert placement.project_lead.email == "lead@clic.test"
    assert {e.to_email for e in OutboundEmail.objects.filter(
        code="S4", placement=placement)} == {"trainee2@clic.test", "lead@clic.test"}
    assert set(Project.objects.values_list("status", flat=True)) == {"proposed", "in_progress"}
    assert Meeting.objects.filter(kind=MeetingKind.FIRST_SUPERVISOR, status="held").count() == 4
    assert ProgressEntry.objects.count() >= 2
    concern = Concern.objects.get()
    assert {e.to_email for e in OutboundEmail.objects.filter(code="S15")} == {
        "supervisor@clic.test", "chair@clic.test"}
    rows = selectors.supervision_rows(User.objects.get(email="supervisor@clic.test"), today)
    assert {row.week for row in rows} == {6}
    assert {row.next_meeting.kind for row in rows} == {MeetingKind.REVIEW_8}
    assert any(row.hr_outstanding for row in rows)
    assert concern.placement.trainee.email == "trainee4@clic.test"
    agreed = OutboundEmail.objects.filter(code="PROJECT_AGREED")
    assert {"trainee1@clic.test", "trainee3@clic.test"} <= {e.to_email for e in agreed}
    invitations = OutboundEmail.objects.filter(code="MEETING_INVITE")
    assert {e.to_email for e in invitations} == {"trainee1@clic.test", "trainee2@clic.test",
                                                 "trainee3@clic.test"}
    assert [e.subject.split(":")[0] for e in invitations.filter(
        to_email="trainee3@clic.test").order_by("pk")] == ["Invitation", "Moved"]
    assert OutboundEmail.objects.filter(code="MEETING_CANCELLED",
                                        to_email="trainee2@clic.test").exists()


def test_scheduled_meetings_are_in_the_diary_of_attendees(world):
    day = week_day(world.cohort, 8, 3)
    services.meeting_schedule(placement=world.placement, kind=MeetingKind.REVIEW_8,
                              by=world.supervisor, date=day, start_time=datetime.time(14),
                              end_time=datetime.time(15), venue="Room 4")
    [entry] = [e for e in diary.diary_entries(world.lead, day, day) if e.source == "meetings"]
    assert (entry.part, entry.start, entry.venue, entry.kind) == ("pm", datetime.time(14),
                                                                  "Room 4", "meeting")
    assert entry.url == f"/placements/{world.placement.pk}/meetings/"
    assert not [e for e in diary.diary_entries(world.other_trainee, day, day)
                if e.source == "meetings"]


def test_a_meeting_is_a_calendar_event_with_a_stable_uid(world):
    meeting = services.meeting_schedule(
        placement=world.placement, kind=MeetingKind.REVIEW_12, by=world.supervisor,
        date=week_day(world.cohort, 12, 3), start_time=datetime.time(9, 30), venue="Room 4")
    ical = meeting_event(meeting, viewer=world.supervisor).event().to_ical().decode()
    assert f"UID:{meeting.uid}" in ical
    assert "SUMMARY:CLIC: Dr Trainee: Week 12 review" in ical
    assert "LOCATION:Room 4" in ical
    moved = services.meeting_schedule(
        placement=world.placement, kind=MeetingKind.REVIEW_12, by=world.supervisor,
        date=week_day(world.cohort, 12, 4), start_time=datetime.time(9, 30), venue="Room 4")
    assert moved.uid == meeting.uid and "SEQUENCE:1" in meeting_event(moved).event().to_ical().decode()


def test_scheduled_meetings_are_in_the_calendar_feeds_of_those_who_see_them(client, world):
    from django.urls import reverse
    from icalendar import Calendar

    meeting = services.meeting_schedule(
        placement=world.placement, kind=MeetingKind.REVIEW_8, by=world.supervisor,
        date=week_day(world.cohort, 8, 3), start_time=datetime.time(14), venue="Room 4")

    def feed_uids(person):
        response = client.get(reverse("calendar_feed", args=[person.calendar_token]))
        return {str(event["UID"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}

    assert meeting.uid in feed_uids(world.trainee)
    assert meeting.uid in feed_uids(world.supervisor)
    assert meeting.uid not in feed_uids(world.other_trainee)
