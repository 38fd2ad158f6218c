"""The CCG's absence register (CSV) and absences as calendar-feed events (iCalendar)."""

import csv
import datetime
import io
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from rotations.ical import CalendarEntry

from .selectors import absences_visible_to

REGISTER_HEADER = ["Trainee", "Cohort", "Date", "Part of day", "Absence", "State", "Reported on"]
PROGRAMME_HEADER = ["Trainee", "Cohort", "Date", "Part of day", "Absence", "CCG project day",
                    "State", "Open-ended", "Reported on"]
PART_WORDS = {"day": "all day", "am": "morning", "pm": "afternoon"}


def _cell(value) -> str:
    """A spreadsheet never runs a cell as a formula (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header: list[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def register_csv(rows: Iterable) -> str:
    """dashboard.ccg_register rows, one per CCG day absent: no notes, no reasons."""
    return _csv(REGISTER_HEADER, ([row.trainee, row.cohort, row.date.isoformat(),
                                   PART_WORDS.get(row.part, row.part), row.word, row.state,
                                   row.reported_on.isoformat()] for row in rows))


def programme_csv(absences: Iterable) -> str:
    """The programme's absences (selectors.programme_absences, each with its routing), one
    row per rotation day or half day they cover (a running-late note: its day). Notes stay in
    the service: an exported file travels further than the page."""
    def rows():
        for absence in absences:
            days = [(d.date, d.part, "yes" if d.ccg else "no") for d in absence.routing.days]
            for date, part, ccg in days or [(absence.first_day, absence.part, "")]:
                yield [absence.placement.trainee.full_name, absence.placement.cohort.name,
                       date.isoformat(), PART_WORDS.get(part, part), absence.get_kind_display(),
                       ccg, absence.get_state_display(),
                       "yes" if absence.is_open else "no",
                       timezone.localtime(absence.created_at).date().isoformat()]

    return _csv(PROGRAMME_HEADER, rows())


def feed_events(user, start: datetime.date, end: datetime.date, *, rows=None) -> list:
    """Absences for a person's calendar feed, as rotations.ical entries: one all-day event per
    day (or a timed one per half day), titled as the viewer may see it ("Annual leave";
    "Absent" for sickness unless the viewer is the trainee, a PA or a PD). Pending requests
    are left out. `rows`: the feed's feed_absences query, when it has it."""
    london = ZoneInfo("Europe/London")
    halves = {"am": (datetime.time(9, 0), datetime.time(12, 30)),
              "pm": (datetime.time(13, 30), datetime.time(17, 0))}
    stamp = timezone.now()
    events = []
    for item in absences_visible_to(user, start, end, timezone.localdate(), rows=rows):
        if item.pending:
            continue
        person = "" if user.pk == item.trainee_id else f"{item.trainee_name}: "
        for day in item.days:
            if day.part == "day":
                begin, finish = day.date, day.date + datetime.timedelta(days=1)
            else:
                begin = datetime.datetime.combine(day.date, halves[day.part][0], tzinfo=london)
                finish = datetime.datetime.combine(day.date, halves[day.part][1], tzinfo=london)
            events.append(CalendarEntry(
                uid=f"absence-{item.absence_id}-{day.date:%Y%m%d}-{day.part}@clic",
                sequence=item.version,
                summary=f"{person}{item.title}", start=begin, end=finish, stamp=stamp,
                description=f"{settings.SITE_URL}{item.url}",
                transparency="OPAQUE", categories=("Absence",)))
    return events
