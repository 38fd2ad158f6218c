"""A calendar entry as the apps describe it, written by the icalendar package.

Each feature says what its events are (rotations.feeds providers, invitations) as a
CalendarEntry; `event()` makes the library's Event, which rotations.exporters.events_calendar
puts in a calendar with the VTIMEZONE its times need."""

import datetime
from dataclasses import dataclass

from icalendar import Event, vCategory, vDatetime, vDDDTypes, vInt, vText
from icalendar.timezone import tzid_from_dt


def _moment(moment: datetime.date) -> vDatetime | vDDDTypes:
    """A time as the DATE-TIME type `vDDDTypes` writes it with (the same bytes, TZID and
    all), made directly: `vDDDTypes` finds the zone's TZID when made, then makes that
    `vDatetime` when written, which finds it twice again (about 1 ms of CPU for the demo
    trainee's 69 events, `make bench` line "trainee: calendar feed, built"). A day stays
    a `vDDDTypes` (VALUE=DATE)."""
    return vDatetime(moment) if isinstance(moment, datetime.datetime) else vDDDTypes(moment)


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    uid: str
    stamp: datetime.datetime
    start: datetime.date
    end: datetime.date
    summary: str
    sequence: int | None = None
    description: str | None = None
    location: str | None = None
    status: str | None = None
    transparency: str | None = None
    categories: tuple[str, ...] = ()
    created: datetime.datetime | None = None
    last_modified: datetime.datetime | None = None

    def properties(self) -> list[tuple[str, object]]:
        """The entry's properties, each made once as the value type `Event.new` would choose
        for it (the same bytes when written: tests/rotations/test_ical.py), in the order
        `Event.to_ical` writes them (its canonical order, then by name). `Event.new` sets
        some thirty properties through generic setters that look up, infer and convert each
        value: 6.1 ms of CPU for the demo trainee's 69 events, 2.8 built this way, in one
        process; with the zones the feed passes to events_calendar, `make bench` line
        "trainee: calendar feed, built" went from 10.8x the floor to 7.4x, 12.2x and 10.4x
        in three runs (docs/performance.md). The feed writes these without an Event
        (rotations.exporters.feed_calendar)."""
        written = [("SUMMARY", vText(self.summary)), ("DTSTART", _moment(self.start)),
                   ("DTEND", _moment(self.end)),
                   ("DTSTAMP", vDatetime(self.stamp.astimezone(datetime.UTC))),
                   ("UID", vText(self.uid))]
        if self.sequence is not None:
            written.append(("SEQUENCE", vInt(self.sequence)))
        if self.categories:
            written.append(("CATEGORIES", vCategory(list(self.categories))))
        if self.created is not None:
            written.append(("CREATED", vDatetime(self.created.astimezone(datetime.UTC))))
        if self.description is not None:
            written.append(("DESCRIPTION", vText(self.description)))
        if self.last_modified is not None:
            written.append(("LAST-MODIFIED",
                            vDatetime(self.last_modified.astimezone(datetime.UTC))))
        for name, text in (("LOCATION", self.location), ("STATUS", self.status),
                           ("TRANSP", self.transparency)):
            if text is not None:
                written.append((name, vText(text)))
        return written

    def event(self) -> Event:
        """The entry as the library's Event (an invitation; `properties()`)."""
        event = Event()
        for name, value in self.properties():
            event[name] = value
        return event

    @property
    def zones(self) -> set[str]:
        """The time zones its times name (TZID), each needing a VTIMEZONE; UTC needs none."""
        return {tzid_from_dt(moment) for moment in (self.start, self.end)
                if isinstance(moment, datetime.datetime)} - {"UTC", None}

    @property
    def date(self) -> datetime.date:
        return self.start.date() if isinstance(self.start, datetime.datetime) else self.start
