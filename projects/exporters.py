"""SOP meetings as calendar entries, for the calendar feeds of the people attending."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rotations.exporters import calendar_address, events_calendar
from rotations.ical import CalendarEntry

from .models import Meeting
from .selectors import meetings_visible_to

LONDON = ZoneInfo("Europe/London")


def meeting_start_end(meeting: Meeting):
    """Aware datetimes in Europe/London; an untimed meeting is a whole-day entry."""
    if meeting.start_time is None:
        return meeting.date, meeting.date + datetime.timedelta(days=1)
    start = datetime.datetime.combine(meeting.date, meeting.start_time, tzinfo=LONDON)
    end = (datetime.datetime.combine(meeting.date, meeting.end_time, tzinfo=LONDON)
           if meeting.end_time else start + datetime.timedelta(hours=1))
    return start, end


def meeting_event(meeting: Meeting, *, viewer=None, cancelled: bool = False) -> CalendarEntry:
    """One meeting as a VEVENT: its UID never changes and SEQUENCE counts the moves. The
    description says what it is, never the notes of the meeting."""
    start, end = meeting_start_end(meeting)
    stamp = meeting.updated_at or timezone.now()
    summary = meeting.get_kind_display()
    if viewer is None or viewer.pk != meeting.placement.trainee_id:
        summary = f"{meeting.placement.trainee}: {summary}"
    link = settings.SITE_URL + reverse("meeting_list", args=[meeting.placement_id])
    return CalendarEntry(
        uid=meeting.uid, sequence=meeting.sequence, summary=f"CLIC: {summary}",
        start=start, end=end, location=meeting.venue or None,
        description=f"SOP meeting of the CLIC rotation ({meeting.placement.cohort}).\n{link}",
        status="CANCELLED" if cancelled else "CONFIRMED", stamp=stamp, last_modified=stamp,
        created=meeting.created_at or stamp,
        categories=("Supervision meeting",))


def meeting_invitation(meeting: Meeting, *, organiser, cancel: bool = False) -> str:
    """The meeting as a calendar invitation for the trainee: METHOD:REQUEST (Accept/Decline
    in Outlook; a later one with the same UID and a higher SEQUENCE moves the event) or
    METHOD:CANCEL, which takes it out of their calendar."""
    event = meeting_event(meeting, viewer=meeting.placement.trainee, cancelled=cancel).event()
    event["organizer"] = calendar_address(organiser)
    for person in meeting.attendees.all():
        event.add("attendee", calendar_address(person, role="REQ-PARTICIPANT",
                                               partstat="NEEDS-ACTION", rsvp="TRUE"), encode=0)
    return events_calendar([event], dates=[meeting.date], method="CANCEL" if cancel else "REQUEST",
                           name="CLIC meeting", uid=f"{meeting.uid}-itip").to_ical().decode()


def feed_events(user, start: datetime.date, end: datetime.date, *,
                rows=None) -> list[CalendarEntry]:
    """The calendar-feed provider (rotations.feeds): the meetings the person sees (`rows`: the
    feed's meetings_visible_to query, when it has it), read with only the columns an entry
    writes (not the notes, nor every column of the trainee)."""
    if rows is None:
        rows = meetings_visible_to(user, start, end)
    meetings = rows.only(
        "uid", "sequence", "kind", "date", "start_time", "end_time", "venue", "created_at",
        "updated_at", "placement__trainee__full_name", "placement__trainee__email",
        "placement__cohort__name")
    return [meeting_event(meeting, viewer=user) for meeting in meetings]
