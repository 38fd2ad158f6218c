"""A calendar entry as the apps describe it, written by the icalendar package.

Each feature says what its events are (rotations.feeds providers, invitations) as a
CalendarEntry; `event()` makes the library's Event, which rotations.exporters.events_calendar
puts in a calendar with the VTIMEZONE its times need."""

import datetime
from dataclasses import dataclass, fields

from icalendar import Event


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
        return Event.new(**{field.name: getattr(self, field.name) for field in fields(self)})

    @property
    def date(self) -> datetime.date:
        return self.start.date() if isinstance(self.start, datetime.datetime) else self.start
