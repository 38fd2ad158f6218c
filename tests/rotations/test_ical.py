"""A calendar entry (rotations.ical) written by the icalendar package reads back as the
same event, whatever the text, times and zones."""

import datetime
from dataclasses import fields
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Event

from rotations.ical import CalendarEntry

LONDON = ZoneInfo("Europe/London")
ZONES = st.sampled_from([LONDON, datetime.UTC, ZoneInfo("UTC"), ZoneInfo("America/New_York")])
# One zone needing a VTIMEZONE: with several, the library adds them in a set's order, which
# changes from one process to the next (events_calendar sorts them).
ONE_ZONE = st.sampled_from([LONDON, datetime.UTC, ZoneInfo("UTC")])
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300) | st.sampled_from([
    "a\\", "\\N", "x" * 73 + "\\,", "x" * 73 + "^y", "é" * 40, "\r\n;,\\" * 30])
MOMENT = st.datetimes(min_value=datetime.datetime(1990, 1, 1),
                      max_value=datetime.datetime(2090, 1, 1))


@st.composite
def spans(draw, zones=ZONES):
    start = draw(MOMENT)
    length = datetime.timedelta(minutes=draw(st.integers(0, 3000)))
    if draw(st.booleans()):
        return start.date(), (start + length).date()
    zone = draw(zones)
    return start.replace(tzinfo=zone), (start + length).replace(tzinfo=zone)


def _stamp(draw):
    return draw(MOMENT).replace(tzinfo=draw(ZONES), microsecond=draw(st.integers(0, 999999)))


@st.composite
def entries(draw, zones=ZONES):
    start, end = draw(spans(zones))
    maybe = lambda value: draw(st.none() | value)  # noqa: E731
    return CalendarEntry(
        uid=draw(TEXT.filter(bool)), stamp=_stamp(draw), start=start, end=end,
        summary=draw(TEXT), sequence=maybe(st.integers(0, 10**6)), description=maybe(TEXT),
        location=maybe(TEXT), status=maybe(st.sampled_from(["CONFIRMED", "CANCELLED"])),
        transparency=maybe(st.sampled_from(["OPAQUE", "TRANSPARENT"])),
        categories=tuple(draw(st.lists(TEXT.filter(bool), max_size=3))),
        created=maybe(st.builds(lambda: _stamp(draw))),
        last_modified=maybe(st.builds(lambda: _stamp(draw))))


def _as_read(text: str) -> str:
    """TEXT as it reads back: line breaks are \\n, and the library writes a literal \\N as one."""
    return text.replace("\\N", "\n").replace("\r\n", "\n").replace("\r", "\n")


def _to_the_second(moment):
    return moment.replace(microsecond=0) if isinstance(moment, datetime.datetime) else moment


@given(entries())
def test_an_entry_reads_back_as_written(entry):
    read = Event.from_ical(entry.event().to_ical())

    assert str(read["uid"]) == _as_read(entry.uid)
    assert str(read["summary"]) == _as_read(entry.summary)
    assert read.decoded("dtstart") == _to_the_second(entry.start)
    assert read.decoded("dtend") == _to_the_second(entry.end)
    assert read.decoded("dtstamp") == entry.stamp.replace(microsecond=0)
    assert (read.get("sequence") is None) == (entry.sequence is None)
    if entry.description is not None:
        assert str(read["description"]) == _as_read(entry.description)
    if entry.location is not None:
        assert str(read["location"]) == _as_read(entry.location)


def test_a_long_line_folds_at_75_octets():
    entry = CalendarEntry(uid="u", stamp=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                          start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 2),
                          summary="x" * 70 + ",é" * 30)
    written = entry.event().to_ical()

    assert max(len(line) for line in written.split(b"\r\n")) <= 75
    assert str(Event.from_ical(written)["summary"]) == entry.summary


@settings(deadline=None)  # two calendars written per example: no stopwatch on a busy machine
@given(entries())
def test_an_entry_writes_the_bytes_event_new_writes(entry):
    """event() makes each property itself (for the feed's speed): the same calendar text as
    the library's generic Event.new with the same fields."""
    generic = Event.new(**{field.name: getattr(entry, field.name) for field in fields(entry)})

    assert entry.event().to_ical() == generic.to_ical()


def _calendar_of(entries, **zones):
    from rotations.exporters import events_calendar

    return events_calendar([entry.event() for entry in entries],
                           dates=[entry.date for entry in entries], method="PUBLISH",
                           name="CLIC timetable", uid="clic-test", **zones)


def _entry_at(start, hours=1):
    return CalendarEntry(uid=f"u-{start}", stamp=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                         start=start, end=start + datetime.timedelta(hours=hours),
                         summary="Teaching")


def test_a_feed_names_the_timezones_the_library_would_find():
    """The feed tells events_calendar its entries' zones (CalendarEntry.zones) instead of
    letting the library read every property: the same calendar, VTIMEZONE and all; none
    for UTC or whole days."""
    moment = datetime.datetime(2026, 3, 2, 9, 30)
    day = CalendarEntry(uid="d", stamp=moment.replace(tzinfo=datetime.UTC), start=moment.date(),
                        end=moment.date() + datetime.timedelta(days=1), summary="Leave")
    entries = [_entry_at(moment.replace(tzinfo=LONDON)), _entry_at(moment.replace(tzinfo=datetime.UTC)),
               _entry_at(moment.replace(tzinfo=ZoneInfo("UTC"))), day]
    zones = set().union(*(entry.zones for entry in entries))

    assert zones == {"Europe/London"}
    assert _calendar_of(entries, zones=zones).to_ical() == _calendar_of(entries).to_ical()
    two = [*entries, _entry_at(moment.replace(tzinfo=ZoneInfo("America/New_York")))]
    given = _calendar_of(two, zones=set().union(*(entry.zones for entry in two)))
    assert ({zone.tz_name for zone in given.timezones}
            == {zone.tz_name for zone in _calendar_of(two).timezones}
            == {"Europe/London", "America/New_York"})


def _as_the_library_writes(entries, *, name="CLIC timetable: Ann", uid="clic-feed-1") -> bytes:
    """A feed's calendar with none of the feed's shortcuts: each event made by the library's
    Event.new, the zones found by the library, written by Calendar.to_ical."""
    from rotations.exporters import events_calendar

    return events_calendar(
        [Event.new(**{field.name: getattr(entry, field.name) for field in fields(entry)})
         for entry in entries], dates=[entry.date for entry in entries], method="PUBLISH",
        name=name, uid=uid).to_ical()


class _Person:
    pk = 1

    def __str__(self):
        return "Ann"


@settings(deadline=None, max_examples=50)  # several calendars per example
@given(st.lists(entries(zones=ONE_ZONE), max_size=4))
def test_a_feed_writes_the_bytes_the_library_writes(entries):
    """rotations.exporters.feed_calendar writes each line itself (_property_line)
    from each entry's properties(): the same bytes as the library's own Calendar.to_ical
    of Event.new events, whatever the text (commas, semicolons, backslashes, line breaks,
    accents, long lines), days or times."""
    from rotations.exporters import feed_calendar

    assert feed_calendar(_Person(), entries) == _as_the_library_writes(entries)


LINE_TEXT = st.text(st.sampled_from("ab ,;:\\^\"é€\U0001f600"), max_size=400) | st.text(
    st.characters(min_codepoint=32, max_codepoint=126), max_size=400) | st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=400)


@given(st.sampled_from(["DESCRIPTION:", "SUMMARY;LANGUAGE=en:", "X:"]), LINE_TEXT)
def test_a_line_is_folded_as_the_library_folds_it(name, text):
    from icalendar.parser import Contentline

    from rotations.exporters import _folded

    line = name + text
    assert _folded(line) == Contentline(line).to_ical()
