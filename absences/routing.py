"""Who is told of an absence, day by day, from the trainee's timetable (SOP rows S5-S9).

Pure functions over a `Timetable`: the trainee's own sessions (their project days, where
the timetable puts them today, moved ones included) and the cohort-wide sessions in a
window, plus England's bank holidays. `absences.selectors.timetable_for` loads one in a
single query.

- Sickness: each half day that is one of the trainee's CCG project sessions -> S5 (CCG
  Supervisor, Project Lead, CCG admin mailbox); any other rotation half day -> S6 (PA, PD).
  An absence covering both sends both, each once.
- Annual leave -> S7. Study leave, cannot attend an educational session -> S8.
- Running late -> S9 to the people of that session.
- Weekends, bank holidays and days outside the rotation are excluded; a report made only
  of such days is refused.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from clic.mail.catalogue import Recipient
from rotations.models import Session

from .models import Absence

HALVES = ("am", "pm")
PART_HALVES = {Absence.Part.DAY: HALVES, Absence.Part.AM: ("am",), Absence.Part.PM: ("pm",)}
SESSION_PART_HALVES = {Session.Part.DAY: HALVES, Session.Part.AM: ("am",),
                       Session.Part.PM: ("pm",)}
PART_WORDS = {"day": "all day", "am": "morning", "pm": "afternoon"}

SICKNESS_CCG, SICKNESS_OTHER, ANNUAL_LEAVE, STUDY_LEAVE, RUNNING_LATE = (
    "S5", "S6", "S7", "S8", "S9")
CODE_BY_KIND = {
    Absence.Kind.ANNUAL_LEAVE: ANNUAL_LEAVE,
    Absence.Kind.STUDY_LEAVE: STUDY_LEAVE,
    Absence.Kind.CANNOT_ATTEND: STUDY_LEAVE,
    Absence.Kind.RUNNING_LATE: RUNNING_LATE,
}
# The order codes are sent and listed in.
CODE_ORDER = (SICKNESS_CCG, SICKNESS_OTHER, ANNUAL_LEAVE, STUDY_LEAVE, RUNNING_LATE)

# Kinds of session a trainee "attends for education" (what cannot-attend is about).
EDUCATIONAL_KINDS = (Session.Kind.TEACHING, Session.Kind.ALS, Session.Kind.PRESENTATION)


class TimetableSession(NamedTuple):
    """What routing reads of a session. Loaded as tuples: a rotation's sessions as model
    instances took longer to build than the query took to run."""

    id: int
    cohort_id: int
    placement_id: int | None
    date: datetime.date
    part: str
    kind: str
    status: str
    title: str


@dataclass(frozen=True)
class Timetable:
    """What the timetable says about one placement's days in a window."""

    placement_id: int
    rotation_start: datetime.date
    rotation_end: datetime.date
    # The placement's own sessions and the cohort-wide ones, in the window (TimetableSession,
    # or Session instances, which have the same fields).
    sessions: Sequence[TimetableSession]
    bank_holidays: Mapping[datetime.date, str]

    @cached_property
    def _by_date(self) -> dict[datetime.date, list[TimetableSession]]:
        # Routing asks about every day of a window: scanning all the sessions for each made
        # a rotation's dashboard quadratic in its sessions.
        by_date: dict[datetime.date, list[TimetableSession]] = defaultdict(list)
        for session in self.sessions:
            by_date[session.date].append(session)
        return by_date

    def ccg_halves(self, day: datetime.date) -> frozenset[str]:
        """The halves of a day that are this trainee's CCG project sessions (as the timetable
        says now: a moved session counts on its new date; a cancelled one does not count)."""
        halves = set()
        for session in self._by_date.get(day, ()):
            if (session.placement_id == self.placement_id
                    and session.kind != Session.Kind.BANK_HOLIDAY
                    and session.status != Session.Status.CANCELLED):
                halves.update(SESSION_PART_HALVES[session.part])
        return frozenset(halves)

    def closed_reason(self, day: datetime.date) -> str:
        """Why a day is not a rotation day ("" when it is one)."""
        if not self.rotation_start <= day <= self.rotation_end:
            return "outside the rotation"
        if day in self.bank_holidays:
            return f"a bank holiday ({self.bank_holidays[day]})"
        for session in self._by_date.get(day, ()):
            if session.kind == Session.Kind.BANK_HOLIDAY and (
                    session.placement_id in (None, self.placement_id)):
                return f"a bank holiday ({session.title.removeprefix('Bank holiday: ')})"
        if day.weekday() >= 5:
            return "a weekend"
        return ""


@dataclass(frozen=True)
class RoutedDay:
    """A day (or half day) of an absence and whether it is a CCG project day for the trainee."""

    date: datetime.date
    part: str  # "day", "am" or "pm"
    ccg: bool

    @property
    def days(self) -> float:
        return 1.0 if self.part == "day" else 0.5

    def __str__(self):
        words = f"{self.date:%A} {self.date.day} {self.date:%B %Y}"
        return words if self.part == "day" else f"{words} ({PART_WORDS[self.part]})"


@dataclass
class Routing:
    """An absence split by the timetable: its CCG-day parts, its other rotation-day parts,
    and the days left out with the reason."""

    ccg_days: list[RoutedDay] = field(default_factory=list)
    other_days: list[RoutedDay] = field(default_factory=list)
    excluded: list[tuple[datetime.date, str]] = field(default_factory=list)

    @property
    def days(self) -> list[RoutedDay]:
        return sorted(self.ccg_days + self.other_days, key=lambda d: (d.date, d.part != "pm"))

    @property
    def is_empty(self) -> bool:
        return not (self.ccg_days or self.other_days)

    @property
    def ccg_day_count(self) -> float:
        return sum(d.days for d in self.ccg_days)

    @property
    def day_count(self) -> float:
        """Days absent: the halves of each rotation day, counted once however they route."""
        halves: dict[datetime.date, float] = {}
        for day in self.ccg_days + self.other_days:
            halves[day.date] = min(1.0, halves.get(day.date, 0.0) + day.days)
        return sum(halves.values())


def dates_between(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def _joined(halves: Sequence[str]) -> str:
    return "day" if len(halves) == 2 else halves[0]


def route(timetable: Timetable, first: datetime.date, last: datetime.date,
          part: str = Absence.Part.DAY) -> Routing:
    """Split the days from first to last (inclusive; `part` of each) by the timetable."""
    routing = Routing()
    wanted = PART_HALVES[part]
    for day in dates_between(first, last):
        reason = timetable.closed_reason(day)
        if reason:
            routing.excluded.append((day, reason))
            continue
        ccg = timetable.ccg_halves(day)
        on_ccg = [h for h in wanted if h in ccg]
        elsewhere = [h for h in wanted if h not in ccg]
        if on_ccg:
            routing.ccg_days.append(RoutedDay(day, _joined(on_ccg), True))
        if elsewhere:
            routing.other_days.append(RoutedDay(day, _joined(elsewhere), False))
    return routing


def sop_days(kind: str, routing: Routing) -> dict[str, list[RoutedDay]]:
    """The SOP rows an absence of this kind sends, each with the days it lists: every row
    once. Sickness splits into S5 (CCG project days) and S6 (other days)."""
    if kind == Absence.Kind.SICKNESS:
        codes = {SICKNESS_CCG: routing.ccg_days, SICKNESS_OTHER: routing.other_days}
        return {code: days for code, days in codes.items() if days}
    if routing.is_empty and kind != Absence.Kind.RUNNING_LATE:
        return {}
    return {CODE_BY_KIND[kind]: routing.days}


def excluded_message(routing: Routing, *, rotation_start, rotation_end) -> str:
    """Why a report made only of non-rotation days is refused, in one sentence."""
    reasons = {reason for _, reason in routing.excluded}
    if reasons == {"outside the rotation"}:
        return (f"These dates are outside the rotation, which runs from "
                f"{_long(rotation_start)} to {_long(rotation_end)}. Nothing has been sent.")
    listed = "; ".join(f"{_long(day)} is {reason}" for day, reason in routing.excluded[:5])
    more = " (and more)" if len(routing.excluded) > 5 else ""
    return (f"None of these days is a rotation day: {listed}{more}. "
            "Nothing has been sent.")


def _long(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def days_and_part(days: Sequence[RoutedDay]) -> tuple[list[datetime.date], str]:
    """The `days` and `part` an SOP template lists ("Thursday 5 March 2026 (morning)"):
    one part for them all, or the exceptions spelt out when the parts differ."""
    dates = [d.date for d in days]
    parts = {d.part for d in days}
    if parts == {"day"} or not days:
        return dates, ""
    if len(days) == 1:
        return dates, PART_WORDS[days[0].part]
    halves = [f"{d.date:%A} {d.date.day} {d.date:%B}: {PART_WORDS[d.part]} only"
              for d in days if d.part != "day"]
    return dates, "; ".join(halves)


def overlaps(first_a, last_a, part_a, first_b, last_b, part_b) -> bool:
    """Whether two absences claim the same half day (each is first..last, `part` of each)."""
    if first_a > last_b or first_b > last_a:
        return False
    return bool(set(PART_HALVES[part_a]) & set(PART_HALVES[part_b]))


def session_halves(session: Session) -> tuple[str, ...]:
    return SESSION_PART_HALVES[session.part]


def part_for_session(session: Session) -> str:
    halves = session_halves(session)
    return Absence.Part.DAY if len(halves) == 2 else halves[0]


def session_is_for(session: Session, placement) -> bool:
    """A session of the placement's timetable: its own, or one for its whole cohort."""
    return (session.cohort_id == placement.cohort_id
            and session.placement_id in (None, placement.pk))


def part_for_time(start: datetime.time | None) -> str:
    if start is None:
        return Absence.Part.DAY
    return Absence.Part.AM if start < datetime.time(13, 0) else Absence.Part.PM


def late_meeting_recipients(meeting, placement) -> list:
    """S9 for an SOP meeting: its attendees other than the trainee (by default the CCG
    Supervisor and Project Lead)."""
    order = {placement.ccg_supervisor_id: 0, placement.project_lead_id: 1}
    people = sorted((p for p in meeting.attendees.all() if p.pk != placement.trainee_id),
                    key=lambda p: (order.get(p.pk, 2), p.full_name))
    return people or [Recipient.CCG_SUPERVISOR, Recipient.PROJECT_LEAD]


def late_recipients(session: Session, placement) -> list:
    """S9: the people of the session other than the trainee. A CCG session is the CCG
    Supervisor's and Project Lead's; a cohort session is its facilitator's and the PDs'."""
    if session.placement_id:
        return [Recipient.CCG_SUPERVISOR, Recipient.PROJECT_LEAD]
    people: list = [Recipient.PD]
    if session.facilitator_id and session.facilitator_id != placement.trainee_id:
        people.append(session.facilitator)
    return people
