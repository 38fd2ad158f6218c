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

    def event(self) -> Event:
        """The entry as the library's Event, each property made once as the value type
        `Event.new` would choose for it (the same bytes when written: tests/rotations/
        test_ical.py). `Event.new` sets some thirty properties through generic setters that
        look up, infer and convert each value: 6.1 ms of CPU for the demo trainee's 69
        events, 2.8 built this way, in one process; with the zones the feed passes to
        events_calendar, `make bench` line "trainee: calendar feed, built" went from 10.8x
        the floor to 7.4x, 12.2x and 10.4x in three runs (docs/performance.md)."""
        event = Event()
        event["DTSTAMP"] = vDatetime(self.stamp.astimezone(datetime.UTC))
        event["UID"] = vText(self.uid)
        event["DTSTART"] = _moment(self.start)
        event["DTEND"] = _moment(self.end)
        event["SUMMARY"] = vText(self.summary)
        if self.sequence is not None:
            event["SEQUENCE"] = vInt(self.sequence)
        for name, text in (("DESCRIPTION", self.description), ("LOCATION", self.location),
                           ("STATUS", self.status), ("TRANSP", self.transparency)):
            if text is not None:
                event[name] = vText(text)
        if self.categories:
            event["CATEGORIES"] = vCategory(list(self.categories))
        for name, moment in (("CREATED", self.created), ("LAST-MODIFIED", self.last_modified)):
            if moment is not None:
                event[name] = vDatetime(moment.astimezone(datetime.UTC))
        return event

    @property
    def zones(self) -> set[str]:
        """The time zones its times name (TZID), each needing a VTIMEZONE; UTC needs none."""
        return {tzid_from_dt(moment) for moment in (self.start, self.end)
                if isinstance(moment, datetime.datetime)} - {"UTC", None}

    @property
    def date(self) -> datetime.date:
        return self.start.date() if isinstance(self.start, datetime.datetime) else self.start
