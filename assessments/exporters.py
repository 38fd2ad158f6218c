"""Files the end of the rotation produces: the presentation day's iCalendar invitation and
the trainee's end-of-rotation record as a PDF."""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clic.pdf import html_pdf
from rotations.exporters import calendar_address, events_calendar
from rotations.ical import CalendarEntry

from .models import PresentationDay

ICS_REQUEST_MIMETYPE = "text/calendar; method=REQUEST; charset=utf-8"
ICS_CANCEL_MIMETYPE = "text/calendar; method=CANCEL; charset=utf-8"


def presentation_description(day: PresentationDay, slots) -> str:
    lines = [f"End-of-rotation project presentations: {day.cohort.name}.", ""]
    if day.online_url:
        lines.append(f"Join online: {day.online_url}")
    if day.venue:
        lines.append(f"Venue: {day.venue}")
    lines += ["", "Running order:"]
    for slot in slots:
        title = f": {slot.title}" if slot.title else ""
        lines.append(f"{slot.start_time:%H:%M}-{slot.end_time:%H:%M} "
                     f"{slot.placement.trainee.full_name}{title}")
    if day.notes:
        lines += ["", day.notes]
    lines += ["", "Please reply in the CLIC service (attending or apologies): "
              f"{settings.SITE_URL}{reverse('presentation_invitations')}"]
    return "\n".join(lines)


def presentation_ics(*, day: PresentationDay, invitees, slots, cancel: bool = False) -> str:
    """The day as one VEVENT. METHOD:REQUEST makes Outlook offer Accept/Decline; the UID stays
    the same for the life of the day and SEQUENCE rises with each change, so an update or a
    cancellation replaces the event already in the invitee's calendar."""
    event = CalendarEntry(
        uid=day.uid, sequence=day.sequence, stamp=timezone.now().astimezone(datetime.UTC),
        start=day.starts_at(), end=day.ends_at(),
        summary=f"CLIC project presentations: {day.cohort.name}",
        location=day.venue or day.online_url or None,
        description=presentation_description(day, slots),
        status="CANCELLED" if cancel else "CONFIRMED", transparency="OPAQUE").event()
    if day.online_url:
        event.add("url", day.online_url)
    event["organizer"] = calendar_address(day.organiser)
    for person in invitees:
        event.add("attendee", calendar_address(person, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION",
                                               rsvp="TRUE", cutype="INDIVIDUAL"), encode=0)
    return events_calendar([event], dates=[day.date], method="CANCEL" if cancel else "REQUEST",
                           name="CLIC presentation day", uid=f"{day.uid}-itip").to_ical().decode()


def end_of_rotation_html(*, record: dict) -> str:
    """The end-of-rotation record (see selectors.end_of_rotation_record) as the PDF's HTML."""
    return render_to_string("assessments/end_of_rotation_pdf.html", record)


def end_of_rotation_pdf(*, record: dict) -> bytes:
    return html_pdf(end_of_rotation_html(record=record))
