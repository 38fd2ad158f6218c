"""Agreeing a project tells the trainee and the PDs; arranging an SOP meeting sends the
trainee a calendar invitation, updated when it moves and cancelled when it is cancelled."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from clic.mail.models import OutboundEmail
from clic.mail.services import build_message
from projects import services
from projects.models import CommissioningStage, Meeting, MeetingKind, Project

from .helpers import week_day

pytestmark = pytest.mark.django_db


def _propose(world) -> Project:
    return services.project_save(placement=world.placement, by=world.trainee,
                                 title="Frailty pathway audit",
                                 ccg_priority="Ageing well: frailty and falls",
                                 aims="Map the pathway", commissioning_stage=(
                                     CommissioningStage.STRATEGIC_PLANNING))


def _emails(code):
    return {email.to_email: email for email in OutboundEmail.objects.filter(code=code)}


def _calendar(email) -> Calendar:
    [attachment] = email.attachments
    return Calendar.from_ical(attachment["text"])


def _event(email):
    [event] = _calendar(email).walk("VEVENT")
    return event


def test_agreeing_a_project_tells_the_trainee_and_the_pds(world):
    project = _propose(world)
    assert not OutboundEmail.objects.filter(code="PROJECT_AGREED").exists()

    services.project_agree(project=project, by=world.supervisor)

    emails = _emails("PROJECT_AGREED")
    assert set(emails) == {"trainee@nhs.test", "pd@nhs.test"}
    to_trainee, to_pd = emails["trainee@nhs.test"], emails["pd@nhs.test"]
    assert to_trainee.subject == "CLIC: your project is agreed"
    assert "Dr Supervisor, your CCG Supervisor, has agreed your CLIC project" in to_trainee.body_text
    assert "Title: Frailty pathway audit" in to_trainee.body_text
    assert to_pd.subject == "CLIC: project agreed for Dr Trainee, to confirm"
    assert "confirm that it suits the rotation" in to_pd.body_text
    assert f"/placements/{world.placement.pk}/project/" in to_pd.body_text
    assert build_message(to_pd).reply_to == ["Dr Supervisor <supervisor@nhs.test>"]


def test_a_project_agreed_again_after_a_change_is_told_again(world):
    project = _propose(world)
    services.project_agree(project=project, by=world.supervisor)
    project = services.project_save(placement=world.placement, by=world.trainee,
                                    title="Falls pathway audit", ccg_priority="Ageing well",
                                    aims="Map the pathway",
                                    commissioning_stage=CommissioningStage.STRATEGIC_PLANNING)

    services.project_agree(project=project, by=world.supervisor)

    assert OutboundEmail.objects.filter(code="PROJECT_AGREED",
                                        to_email="trainee@nhs.test").count() == 2


def _schedule(world, by=None, **overrides):
    values = {"date": week_day(world.cohort, 8, 2), "start_time": datetime.time(10),
              "end_time": datetime.time(11), "venue": "CCG offices, room 4", **overrides}
    return services.meeting_schedule(placement=world.placement, kind=MeetingKind.REVIEW_8,
                                     by=by or world.supervisor, **values)


def test_arranging_a_meeting_sends_the_trainee_a_calendar_invitation(world):
    meeting = _schedule(world)

    [email] = OutboundEmail.objects.filter(code="MEETING_INVITE")
    assert email.to_email == "trainee@nhs.test"
    day = meeting.date
    assert email.subject == f"Invitation: Week 8 review, {day:%A} {day.day} {day:%B} at 10:00"
    assert ("Dr Supervisor has arranged an SOP meeting of your CLIC rotation: Week 8 review."
            in email.body_text)
    assert "Venue: CCG offices, room 4" in email.body_text
    assert "With: Dr Lead, Dr Supervisor" in email.body_text
    calendar = _calendar(email)
    assert calendar["method"] == "REQUEST"
    event = _event(email)
    assert str(event["uid"]) == meeting.uid
    assert event["sequence"] == 0
    assert event["dtstart"].dt == datetime.datetime.combine(
        day, datetime.time(10), tzinfo=event["dtstart"].dt.tzinfo)
    assert str(event["location"]) == "CCG offices, room 4"
    assert str(event["organizer"]) == "mailto:supervisor@nhs.test"
    assert {str(a) for a in event.get("attendee")} == {
        "mailto:trainee@nhs.test", "mailto:supervisor@nhs.test", "mailto:lead@nhs.test"}
    assert email.attachments[0]["mimetype"].startswith("text/calendar; method=REQUEST")
    message = build_message(email)
    assert message.reply_to == ["Dr Supervisor <supervisor@nhs.test>"]
    assert "text/calendar; method=REQUEST" in message.message().as_string()


def test_moving_a_meeting_sends_the_update_with_the_same_uid_and_a_higher_sequence(world):
    first = _schedule(world)
    moved = _schedule(world, date=week_day(world.cohort, 8, 3))

    emails = OutboundEmail.objects.filter(code="MEETING_INVITE").order_by("pk")
    assert emails.count() == 2
    update = emails.last()
    assert update.subject.startswith("Moved: Week 8 review, ")
    assert "has moved an SOP meeting of your CLIC rotation, the week 8 review. It is now:" \
        in update.body_text
    event = _event(update)
    assert str(event["uid"]) == first.uid == moved.uid
    assert event["sequence"] == 1 == moved.sequence
    assert event["dtstart"].dt.date() == week_day(world.cohort, 8, 3)


def test_saving_a_meeting_unchanged_sends_nothing_new(world):
    _schedule(world)
    again = _schedule(world)

    assert again.sequence == 0
    assert OutboundEmail.objects.filter(code="MEETING_INVITE").count() == 1


def test_a_trainee_who_arranges_their_own_meeting_gets_the_invitation_worded_for_them(world):
    _schedule(world, by=world.trainee)

    [email] = OutboundEmail.objects.filter(code="MEETING_INVITE")
    assert "You have arranged an SOP meeting of your CLIC rotation" in email.body_text
    assert build_message(email).reply_to == []


def test_cancelling_a_meeting_sends_a_calendar_cancellation_and_frees_the_slot(world):
    meeting = _schedule(world)

    services.meeting_cancel(placement=world.placement, kind=MeetingKind.REVIEW_8,
                            by=world.supervisor)

    assert not Meeting.objects.exists()
    [email] = OutboundEmail.objects.filter(code="MEETING_CANCELLED")
    assert email.to_email == "trainee@nhs.test"
    assert email.subject.startswith("Cancelled: Week 8 review, ")
    assert ("Dr Supervisor has cancelled an SOP meeting of your CLIC rotation: Week 8 review."
            in email.body_text)
    assert _calendar(email)["method"] == "CANCEL"
    event = _event(email)
    assert str(event["uid"]) == meeting.uid
    assert event["sequence"] == 1
    assert str(event["status"]) == "CANCELLED"


def test_a_held_or_unarranged_meeting_cannot_be_cancelled(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="not arranged"):
        services.meeting_cancel(placement=world.placement, kind=MeetingKind.REVIEW_8,
                                by=world.supervisor)
    services.meeting_record(placement=world.placement, kind=MeetingKind.FIRST_SUPERVISOR,
                            held_on=world.cohort.start_date, notes="Agreed the project",
                            by=world.supervisor)
    with pytest.raises(ValidationError, match="already recorded as held"):
        services.meeting_cancel(placement=world.placement, kind=MeetingKind.FIRST_SUPERVISOR,
                                by=world.supervisor)
    assert not OutboundEmail.objects.filter(code="MEETING_CANCELLED").exists()


def test_cancelling_through_its_own_page_names_who_is_emailed_then_cancels(client, world):
    _schedule(world)
    client.force_login(world.supervisor)
    url = reverse("meeting_cancel", args=[world.placement.pk, MeetingKind.REVIEW_8])

    page = client.get(url).content.decode()
    assert "Cancel the week 8 review?" in page
    assert "Dr Trainee (Trainee)" in page
    assert Meeting.objects.exists()

    response = client.post(url)

    assert response.status_code == 302
    assert not Meeting.objects.exists()
    assert OutboundEmail.objects.filter(code="MEETING_CANCELLED").count() == 1
    assert client.get(url).status_code == 404


def test_readers_cannot_cancel_a_meeting(client, world):
    _schedule(world)
    client.force_login(world.es)

    response = client.post(reverse("meeting_cancel", args=[world.placement.pk,
                                                            MeetingKind.REVIEW_8]))

    assert response.status_code in (403, 404)
    assert Meeting.objects.exists()
