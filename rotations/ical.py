"""Calendar entries written as iCalendar text without the icalendar object model.

The library builds objects for every property and folds each line a character at a time:
for a feed of a hundred events that was most of the time of building it. A CalendarEntry
holds what `icalendar.Event.new` takes and writes the same bytes itself
(tests/rotations/test_ical.py compares the two); `event()` gives the library's Event where
more is needed (an invitation's organizer)."""

import datetime
import functools
import re
from dataclasses import dataclass, fields

from icalendar import Event

FOLD_AT = 75  # octets per line, RFC 5545 3.1


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

    def to_ical(self) -> bytes:
        """The VEVENT, properties in the library's order (its canonical ones, then by name)."""
        lines = ["BEGIN:VEVENT", "SUMMARY:" + _text(self.summary),
                 "DTSTART" + _when(self.start), "DTEND" + _when(self.end),
                 "DTSTAMP:" + _utc(self.stamp), "UID:" + _text(self.uid)]
        # The rest by name, each only when set (as Event.new leaves out what is None).
        lines += [f"{name}:{write(value)}" for name, value, write in (
            ("SEQUENCE", self.sequence, str), ("CATEGORIES", self.categories, _list),
            ("CREATED", self.created, _utc), ("DESCRIPTION", self.description, _text),
            ("LAST-MODIFIED", self.last_modified, _utc), ("LOCATION", self.location, _text),
            ("STATUS", self.status, _text), ("TRANSP", self.transparency, _text))
            if value is not None and value != ()]
        lines.append("END:VEVENT\r\n")
        return b"\r\n".join(_fold(line) for line in map(str.encode, lines))

    @property
    def date(self) -> datetime.date:
        return self.start.date() if isinstance(self.start, datetime.datetime) else self.start


# What TEXT escaping changes; most titles, names and UIDs have none of it.
_ESCAPED = re.compile(r"[\\;,\r\n]")


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping, in the library's order (a literal \\N is a line break)."""
    if not _ESCAPED.search(value):
        return value
    return (value.replace(r"\N", "\n").replace("\\", "\\\\").replace(";", r"\;")
            .replace(",", r"\,").replace("\r\n", r"\n").replace("\n", r"\n")
            .replace("\r", r"\n"))


def _list(values: tuple[str, ...]) -> str:
    return ",".join(map(_text, values))


def _when(value: datetime.date) -> str:
    """DTSTART/DTEND parameters and value: a date, a UTC time or a time in a named zone."""
    if not isinstance(value, datetime.datetime):
        return f";VALUE=DATE:{value:%Y%m%d}"
    if value.tzinfo is None:
        return f":{value:%Y%m%dT%H%M%S}"
    zone = getattr(value.tzinfo, "key", "UTC")
    return ":" + _utc(value) if zone == "UTC" else f";TZID={zone}:{value:%Y%m%dT%H%M%S}"


@functools.lru_cache(maxsize=1024)
def _utc(value: datetime.datetime) -> str:
    # Cached: an entry's stamp, creation and change are mostly one moment, and a feed's
    # absences share one stamp. Equal moments in different zones are the same UTC text.
    return f"{value.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}"


def _fold(line: bytes) -> bytes:
    """Parts of 74 octets at most, as the library folds them: never inside a UTF-8
    character, and a backslash or caret escape kept with the character after it."""
    if len(line) < FOLD_AT:
        return line
    parts, begin = [], 0
    while len(line) - begin >= FOLD_AT:
        cut = begin + FOLD_AT - 1
        while line[cut] & 0xC0 == 0x80:  # a continuation byte: the character began earlier
            cut -= 1
        if cut - 1 > begin and line[cut - 1] in b"\\^":
            cut -= 1
        parts.append(line[begin:cut])
        begin = cut
    return b"\r\n ".join([*parts, line[begin:]]) if parts else line
