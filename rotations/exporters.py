"""Calendars (iCalendar, RFC 5545) and the portfolio PDF (WeasyPrint)."""

import datetime
from collections import defaultdict
from email.utils import parseaddr
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vText
from icalendar.parser import Contentline
from icalendar.parser_tools import to_unicode

from clic.pdf import Stylesheet, html_document, html_pdf

from .ical import CalendarEntry
from .models import Session
from .timetable import plan_cohort_sessions, plan_placement_sessions

LONDON = ZoneInfo("Europe/London")
PRODID = "-//CLIC service//Timetable//EN"


class SessionFacts(NamedTuple):
    """What a session's calendar entry says. A feed loads these straight from its query as
    tuples (`feed_session_facts`): a year and more of sessions as model instances, each with
    its cohort, trainee and facilitator, took longer to build than the entries' text."""

    uid: str
    sequence: int
    title: str
    status: str
    kind: str
    week: int
    date: datetime.date
    start_time: datetime.time | None
    end_time: datetime.time | None
    venue: str
    notes: str
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    cohort: str
    cohort_weeks: int
    placement_id: int | None
    trainee_id: int | None
    trainee: str  # as str(User) gives it: the name, or the email without one
    facilitator_id: int | None
    facilitator: str


def session_facts(session: Session) -> SessionFacts:
    trainee = session.placement.trainee if session.placement_id else None
    return SessionFacts(
        uid=session.uid, sequence=session.sequence, title=session.title, status=session.status,
        kind=session.kind, week=session.week, date=session.date, start_time=session.start_time,
        end_time=session.end_time, venue=session.venue, notes=session.notes,
        created_at=session.created_at, updated_at=session.updated_at, cohort=str(session.cohort),
        cohort_weeks=session.cohort.weeks, placement_id=session.placement_id,
        trainee_id=trainee and trainee.pk,
        trainee=str(trainee or ""), facilitator_id=session.facilitator_id,
        facilitator=str(session.facilitator or ""))


_FACT_COLUMNS = ("uid", "sequence", "title", "status", "kind", "week", "date", "start_time",
                 "end_time", "venue", "notes", "created_at", "updated_at", "cohort__name",
                 "cohort__weeks", "placement_id", "placement__trainee_id", "placement__trainee__full_name",
                 "placement__trainee__email", "facilitator_id", "facilitator__full_name",
                 "facilitator__email")


def feed_session_facts(sessions) -> list[SessionFacts]:
    """The facts of a queryset of sessions, read as tuples in one query."""
    return [SessionFacts(*facts, trainee_name or trainee_email or "", facilitator_id,
                         facilitator_name or facilitator_email or "")
            for *facts, trainee_name, trainee_email, facilitator_id, facilitator_name,
            facilitator_email in sessions.values_list(*_FACT_COLUMNS)]


def session_start_end(session: SessionFacts):
    """Aware datetimes in Europe/London, or dates for a whole-day entry."""
    if session.start_time is None or session.end_time is None:
        return session.date, session.date + datetime.timedelta(days=1)
    return (datetime.datetime.combine(session.date, session.start_time, tzinfo=LONDON),
            datetime.datetime.combine(session.date, session.end_time, tzinfo=LONDON))


def session_summary(session: SessionFacts, *, viewer=None) -> str:
    title = session.title
    if session.placement_id and (viewer is None or viewer.pk != session.trainee_id):
        title = f"{session.trainee}: {title}"
    if session.status == Session.Status.CANCELLED:
        title = f"Cancelled: {title}"
    return title


def diary_url() -> str:
    return settings.SITE_URL + reverse("diary_week")


def session_description(session: SessionFacts, kind: str, *, diary: str = "") -> str:
    """What the session is, and a link to it in the diary (`diary`: diary_url(), when the
    caller has it already: a feed reverses it once for all its sessions)."""
    lines = [f"{kind}, week {session.week} of {session.cohort_weeks} of {session.cohort}."]
    if session.facilitator_id:
        lines.append(f"Facilitator: {session.facilitator}")
    if session.notes:
        lines.append(session.notes)
    lines.append(f"Timetable: {diary or diary_url()}?date={session.date}")
    return "\n".join(lines)


def session_entry(session: SessionFacts, *, viewer=None, diary: str = "") -> CalendarEntry:
    start, end = session_start_end(session)
    stamp = session.updated_at or timezone.now()
    kind = Session.Kind(session.kind).label
    cancelled = session.status == Session.Status.CANCELLED
    return CalendarEntry(
        uid=session.uid, sequence=session.sequence, summary=session_summary(session, viewer=viewer),
        start=start, end=end, location=session.venue or None,
        description=session_description(session, kind, diary=diary),
        status="CANCELLED" if cancelled else "CONFIRMED",
        stamp=stamp, last_modified=stamp, created=session.created_at or stamp,
        transparency="TRANSPARENT" if session.kind == Session.Kind.BANK_HOLIDAY else "OPAQUE",
        categories=(kind,))


def session_event(session: Session, *, viewer=None, organizer: bool = False) -> Event:
    event = session_entry(session_facts(session), viewer=viewer).event()
    if organizer:
        name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        contact = vCalAddress(f"mailto:{address}")
        contact.params["CN"] = name or "CLIC service"
        event.add("organizer", contact)
    return event


def _calendar_head(*, method: str | None, name: str, uid: str) -> Calendar:
    calendar = Calendar.new(prodid=PRODID, name=name, uid=uid, method=method,
                            refresh_interval=datetime.timedelta(hours=1))
    calendar.add("x-published-ttl", "PT1H")
    calendar.add("x-wr-timezone", "Europe/London")
    return calendar


def _span(dates) -> tuple[datetime.date, datetime.date]:
    """The days a calendar's VTIMEZONE must cover, with a margin either side."""
    today = timezone.localdate()
    return (min(dates, default=today) - datetime.timedelta(days=1),
            max(dates, default=today) + datetime.timedelta(days=2))


def calendar_address(user, **params) -> vCalAddress:
    """A person as an invitation's ORGANIZER or ATTENDEE (params: role, partstat, rsvp...)."""
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.full_name or user.email)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = value
    return address


def events_calendar(events: list[Event], *, dates, method: str | None, name: str,
                    uid: str, zones: set[str] | None = None) -> Calendar:
    """Events in one calendar with the VTIMEZONE their London times need: a feed, or an
    invitation (METHOD:REQUEST or CANCEL) attached to an email. `zones`: the zones of the
    events' times, when the caller knows them (CalendarEntry.zones); otherwise the library
    finds them by reading every property of every event, about 2 ms of CPU of the demo
    trainee's feed (`make bench` line "trainee: calendar feed, built", with
    CalendarEntry.event(), whose docstring gives the line's figures)."""
    calendar = _calendar_head(method=method, name=name, uid=uid)
    first, last = _span(dates)
    if zones is None:
        for event in events:
            calendar.add_component(event)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    else:
        # As add_missing_timezones places them: before the events that use them.
        for zone in sorted(zones):
            calendar.add_component(Timezone.from_tzid(zone, first_date=first, last_date=last))
        for event in events:
            calendar.add_component(event)
    if not calendar.timezones:  # an empty calendar still says which zone it lives in
        calendar.add_component(Timezone.from_tzid("Europe/London", first_date=first,
                                                  last_date=last))
    return calendar


def _calendar(sessions, *, method: str | None, name: str, uid: str, viewer=None,
              organizer: bool = False) -> Calendar:
    sessions = list(sessions)
    return events_calendar([session_event(s, viewer=viewer, organizer=organizer) for s in sessions],
                           dates=[s.date for s in sessions], method=method, name=name, uid=uid)


def session_invitation(session: Session, *, method: str = "REQUEST") -> bytes:
    """The calendar entry attached to an S10 email: same UID, the new SEQUENCE."""
    return _calendar([session], method=method, name="CLIC timetable", uid=f"{session.uid}-itip",
                     organizer=True).to_ical()


def sessions_calendar(sessions, *, method: str | None = "PUBLISH", name: str,
                      viewer=None, uid: str | None = None) -> bytes:
    return _calendar(sessions, method=method, name=name, viewer=viewer,
                     uid=uid or "clic-timetable").to_ical()


def feed_calendar(user, entries: list[CalendarEntry]) -> bytes:
    """A person's subscription feed: what their diary shows (sessions, and the entries other
    features add through rotations.feeds). Written afresh only when its ETag changes: the
    feed view keeps it in the cache under that ETag, and a repeat poll gets it from there or
    a 304 (rotations.views.calendar_feed)."""
    zones = set().union(*(entry.zones for entry in entries))
    return _feed_bytes(events_calendar(
        [], dates=[entry.date for entry in entries], zones=zones, method="PUBLISH",
        name=f"CLIC timetable: {user}", uid=f"clic-feed-{user.pk}"), entries,
        named_zones=bool(zones))


# RFC 5545 folds lines longer than 75 octets; icalendar folds before the 75th.
_FOLD_AT = 75


def _folded(line: str) -> bytes:
    """`Contentline(line).to_ical()`, byte for byte (tests/rotations/test_ical.py), but for
    a plain ASCII line short enough to need no folding, which is its own bytes: icalendar 7
    folds a line by walking it character by character, counting each one's UTF-8 octets,
    and most of a feed's lines are short (`make bench` line "trainee: calendar feed,
    built"). Longer lines, and any with other characters, the library folds."""
    if line.isascii() and len(line) < _FOLD_AT:
        return line.encode()
    return Contentline(line).to_ical()


def _property_line(name: str, value) -> bytes:
    """A property as `Contentline.from_parts(name, value.params, value).to_ical()` writes it:
    its value and parameters written by the library, folded as the library folds."""
    text = to_unicode(value.to_ical() if hasattr(value, "to_ical") else vText(value).to_ical())
    params = getattr(value, "params", None)
    params = to_unicode(params.to_ical()) if params else ""
    return _folded(f"{name};{params}:{text}" if params else f"{name}:{text}")


def _property_lines(component) -> list[bytes]:
    """A component's own properties in the order `Component.property_items` walks them,
    each written as `Contentline.from_parts` writes it (`_property_line`), without the
    generic walk's per-line `Contentline`, empty `Parameters` and second decoding
    (icalendar 7.3: `Component.content_lines`)."""
    lines = []
    for name in component.sorted_keys():
        values = component[name]
        for value in values if isinstance(values, list) else (values,):
            lines.append(_property_line(name, value))
    return lines


def _component_lines(component) -> list[bytes]:
    """`component.to_ical()`'s lines (a component's name is a token: the library's
    escaping leaves it as it is)."""
    lines = [f"BEGIN:{component.name}".encode(), *_property_lines(component)]
    for subcomponent in component.subcomponents:
        lines.extend(_component_lines(subcomponent))
    lines.append(f"END:{component.name}".encode())
    return lines


def _feed_bytes(calendar: Calendar, entries: list[CalendarEntry], *, named_zones: bool) -> bytes:
    """What `calendar.to_ical()` gives with each entry's `event()` added as events_calendar
    adds it, byte for byte (tests/rotations/test_ical.py and test_feeds.py): the entries go
    after the VTIMEZONEs they name (`named_zones`), or before the London one a calendar
    gets without them. The library writes each line property by property
    (`_property_line`), each entry's straight from its `properties()`: no Event to fill
    and walk, no `content_lines`. The demo trainee's feed in one process: 10.9 ms of CPU
    to write, 5.5 without the Events and `content_lines`; `make bench` line "trainee:
    calendar feed, built" went from 11.4x the floor to 6.4x, 7.6x and 7.3x in three runs
    (docs/performance.md)."""
    events = []
    for entry in entries:
        events.append(b"BEGIN:VEVENT")
        events.extend(_property_line(name, value) for name, value in entry.properties())
        events.append(b"END:VEVENT")
    zones = [line for zone in calendar.subcomponents for line in _component_lines(zone)]
    return b"\r\n".join([
        b"BEGIN:VCALENDAR", *_property_lines(calendar),
        *(zones + events if named_zones else events + zones), b"END:VCALENDAR", b""])


# Portfolio PDF (Appendix 1) ------------------------------------------------------------

# Word joiners either side of a time's dash keep "09:00–12:30" on one line: the time is
# part of its cell's text, not a nowrap <span> (portfolio_pdf.css says why), and a line
# may otherwise break after the dash. They draw nothing and pdftotext leaves them out.
_TIME_SPAN = "{:%H:%M}\u2060–\u2060{:%H:%M}"


def _describe(sessions: list[Session]) -> list[dict]:
    scheduled = [s for s in sessions if not s.is_cancelled]
    shown = scheduled or sessions
    return [{"title": ("Cancelled: " if s.is_cancelled else "") + s.title,
             "time": (_TIME_SPAN.format(s.start_time, s.end_time)
                      if s.start_time and s.end_time else ""),
             "venue": s.venue} for s in shown]


def portfolio_weeks(placement) -> list[dict]:
    """Week by week: the project day's date(s) and its morning and afternoon, from the
    published timetable (or the plan, before publishing)."""
    sessions = list(placement.sessions.all()) if placement.cohort.is_published else []
    if not sessions:
        sessions = plan_placement_sessions(placement)
    by_week: dict[int, dict[str, list[Session]]] = defaultdict(lambda: defaultdict(list))
    for session in sessions:
        by_week[session.week][session.part].append(session)
    rows = []
    for week in range(1, placement.cohort.weeks + 1):
        parts = by_week.get(week, {})
        whole_day = parts.get(Session.Part.DAY, [])
        every = [s for group in parts.values() for s in group if not s.is_cancelled] or [
            s for group in parts.values() for s in group]
        rows.append({
            "week": week,
            "dates": sorted({s.date for s in every}),
            "am": _describe(parts.get(Session.Part.AM, [])) or _describe(whole_day),
            "pm": _describe(parts.get(Session.Part.PM, [])) or (
                [] if parts.get(Session.Part.AM) else _describe(whole_day)),
        })
    return rows


def portfolio_wednesdays(cohort) -> list[dict]:
    sessions = (list(cohort.sessions.filter(placement__isnull=True).select_related("facilitator"))
                if cohort.is_published else [])
    if not sessions:
        sessions = plan_cohort_sessions(cohort)
    by_date: dict[datetime.date, dict[str, list[Session]]] = defaultdict(lambda: defaultdict(list))
    for session in sessions:
        by_date[session.date][session.part].append(session)
    return [{"date": day, "week": cohort.week_of(day),
             "am": _describe(parts.get(Session.Part.AM, []) or parts.get(Session.Part.DAY, [])),
             "pm": _describe(parts.get(Session.Part.PM, []))}
            for day, parts in sorted(by_date.items())]


PORTFOLIO_STYLESHEET = Stylesheet("rotations/portfolio_pdf.css")


def portfolio_html(placement) -> str:
    return render_to_string("rotations/portfolio_pdf.html", {
        "placement": placement, "cohort": placement.cohort, "weeks": portfolio_weeks(placement),
        "wednesdays": portfolio_wednesdays(placement.cohort)})


def portfolio_document(placement):
    return html_document(portfolio_html(placement), stylesheet=PORTFOLIO_STYLESHEET)


def portfolio_pdf(placement) -> bytes:
    return html_pdf(portfolio_html(placement), stylesheet=PORTFOLIO_STYLESHEET)
