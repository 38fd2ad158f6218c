"""The diary: what a person sees day by day, from every feature that puts things in it.

The timetable is one *provider*. Other features add theirs (absences overlaid on the days
they affect, project meetings) by registering a function in their AppConfig.ready():

    from rotations import diary
    diary.register("absences", absences_for_diary)

A provider is `provider(user, start: date, end: date) -> Iterable[DiaryEntry]`; it must
scope to the user itself and run a constant number of queries (no query per entry)."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .models import Session
from .selectors import sessions_visible_to

PART_ORDER = {Session.Part.DAY: 0, Session.Part.AM: 1, Session.Part.PM: 2}
# Each day of the month diary is named by its column: the date filter, 25 times a month,
# cost more than the lookup (`make bench` line "CCG admin: month diary"; docs/performance.md,
# "Diaries").
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@dataclass
class DiaryEntry:
    date: datetime.date
    part: str  # Session.Part: "am", "pm" or "day"
    title: str
    kind: str  # e.g. "teaching", "project", "absence", "meeting"
    kind_label: str
    source: str  # which provider: "timetable", "absences", ...
    start: datetime.time | None = None
    end: datetime.time | None = None
    venue: str = ""
    person: Any = None  # the trainee concerned (a User or a Person), or None for the cohort
    cohort_id: int | None = None  # the cohort a session or meeting belongs to
    cancelled: bool = False
    overlay: bool = False  # drawn over the timetable (an absence), not a timetable item
    excuses: bool = False  # an absence its trainee misses the sessions under it for
    missed: bool = False  # a session its trainee misses for an absence (struck through)
    url: str = ""
    note: str = ""

    @property
    def sort_key(self):
        return (self.date, PART_ORDER.get(self.part, 3), self.start or datetime.time.min,
                str(self.person or ""), self.title)


Provider = Callable[[Any, datetime.date, datetime.date], Iterable[DiaryEntry]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace) a source of diary entries."""
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


@dataclass(frozen=True)
class Person:
    """Who an entry is for, as much of them as a diary shows (a User without the model)."""

    pk: int
    full_name: str
    email: str

    def __str__(self):
        return self.full_name or self.email


KIND_LABELS = {kind.value: str(kind.label) for kind in Session.Kind}
SESSION_COLUMNS = ("date", "part", "title", "kind", "start_time", "end_time", "venue", "status",
                   "cohort_id", "placement__trainee_id", "placement__trainee__full_name",
                   "placement__trainee__email", "facilitator_id", "facilitator__full_name",
                   "facilitator__email")


def timetable_entries(user, start: datetime.date, end: datetime.date) -> list[DiaryEntry]:
    """The sessions as entries, each made from a row of the columns an entry shows.

    Rows, not a Session model with its cohort, placement, trainee and facilitator: `make
    bench` line "CCG admin: month diary", 7 December 2026, demo database, 6.54x the floor
    -> 6.05x and 5.97x with the meetings provider's columns and one tag per cell
    (docs/performance.md, "Diaries")."""
    # Unordered: diary_entries sorts every provider's entries together anyway.
    rows = sessions_visible_to(user, start, end).order_by().values_list(*SESSION_COLUMNS)
    cancelled = Session.Status.CANCELLED
    return [
        DiaryEntry(
            date=date, part=part, title=title, kind=kind, kind_label=KIND_LABELS[kind],
            source="timetable", start=start_time, end=end_time, venue=venue,
            person=Person(trainee_id, trainee_name, trainee_email) if trainee_id else None,
            cohort_id=cohort_id, cancelled=status == cancelled,
            note=(f"Facilitator: {Person(facilitator_id, facilitator_name, facilitator_email)}"
                  if facilitator_id else ""))
        for (date, part, title, kind, start_time, end_time, venue, status, cohort_id,
             trainee_id, trainee_name, trainee_email, facilitator_id, facilitator_name,
             facilitator_email) in rows]


register("timetable", timetable_entries)


Keep = Callable[[DiaryEntry], bool]


def diary_entries(user, start: datetime.date, end: datetime.date,
                  keep: Keep | None = None) -> list[DiaryEntry]:
    """Everything in a person's diary between two dates, inclusive, in order (optionally
    only the entries `keep` accepts, e.g. one trainee's)."""
    entries = []
    for provider in _providers.values():
        entries.extend(provider(user, start, end))
    if keep is not None:
        entries = [entry for entry in entries if keep(entry)]
    _mark_missed(entries, user)
    return sorted(entries, key=lambda e: e.sort_key)


def _person_id(person):
    return getattr(person, "pk", person)


def _mark_missed(entries: list[DiaryEntry], viewer) -> None:
    """Mark the sessions a trainee misses for an absence: their own sessions under it, and
    in the trainee's own diary their cohort's (in a PD's, one trainee away does not strike
    out the cohort's teaching)."""
    away = {(entry.date, _person_id(entry.person), entry.part)
            for entry in entries if entry.excuses}
    if not away:
        return
    for entry in entries:
        if entry.overlay:
            continue
        person = _person_id(entry.person) if entry.person is not None else viewer.pk
        # A whole-day session is missed only when the whole day is (a day, or both halves).
        halves = ("am", "pm") if entry.part == "day" else (entry.part,)
        entry.missed = ((entry.date, person, "day") in away
                        or all((entry.date, person, half) in away for half in halves))


def overlays(user, start: datetime.date, end: datetime.date,
             keep: Keep | None = None) -> list[DiaryEntry]:
    """Only what other features lay over the timetable (absences) between two dates, as the
    person may see it, in order: for pages that show the timetable's sessions themselves."""
    entries = []
    for name, provider in _providers.items():
        if name != "timetable":
            entries.extend(entry for entry in provider(user, start, end)
                           if entry.overlay and (keep is None or keep(entry)))
    return sorted(entries, key=lambda e: e.sort_key)


def only_placement(placement) -> Keep:
    """One trainee's diary: their own entries and their cohort's cohort-wide sessions."""
    def keep(entry: DiaryEntry) -> bool:
        if entry.person is not None:
            return getattr(entry.person, "pk", entry.person) == placement.trainee_id
        return entry.cohort_id == placement.cohort_id
    return keep


def only_cohort(cohort, trainee_ids: set[int]) -> Keep:
    def keep(entry: DiaryEntry) -> bool:
        if entry.cohort_id is not None:
            return entry.cohort_id == cohort.pk
        return getattr(entry.person, "pk", entry.person) in trainee_ids
    return keep


def _by_date(entries: list[DiaryEntry]) -> dict[datetime.date, list[DiaryEntry]]:
    by_date: dict[datetime.date, list[DiaryEntry]] = {}
    for entry in entries:
        by_date.setdefault(entry.date, []).append(entry)
    return by_date


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def diary_week(user, day: datetime.date, keep: Keep | None = None) -> dict:
    """Monday to Friday of the week holding `day`, each with its all-day, morning and
    afternoon entries."""
    monday = week_start(day)
    friday = monday + datetime.timedelta(days=4)
    entries = diary_entries(user, monday, friday, keep)
    by_date = _by_date(entries)
    days = []
    for offset in range(5):
        date = monday + datetime.timedelta(days=offset)
        halves = {Session.Part.DAY: [], Session.Part.AM: [], Session.Part.PM: []}
        for entry in by_date.get(date, ()):
            halves[entry.part].append(entry)
        days.append({"date": date, "day": halves[Session.Part.DAY],
                     "am": halves[Session.Part.AM], "pm": halves[Session.Part.PM]})
    return {"start": monday, "end": friday, "days": days, "count": len(entries),
            "previous": monday - datetime.timedelta(weeks=1),
            "next": monday + datetime.timedelta(weeks=1)}


def diary_month(user, day: datetime.date, keep: Keep | None = None) -> dict:
    """The weekdays of the month holding `day`, by week, each day with its entries."""
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    last = following - datetime.timedelta(days=1)
    entries = diary_entries(user, first, last, keep)
    by_date = _by_date(entries)
    weeks = []
    monday = week_start(first)
    while monday <= last:
        days = []
        for offset in range(5):
            date = monday + datetime.timedelta(days=offset)
            days.append({"date": date, "weekday": WEEKDAYS[offset],
                         "in_month": date.month == first.month,
                         "entries": by_date.get(date, [])})
        if any(day["in_month"] for day in days):
            weeks.append({"monday": monday, "days": days})
        monday += datetime.timedelta(weeks=1)
    return {"first": first, "last": last, "weeks": weeks, "count": len(entries),
            "previous": (first - datetime.timedelta(days=1)).replace(day=1),
            "next": following}
