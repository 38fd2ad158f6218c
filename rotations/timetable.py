"""The 16-week timetable: what each week holds (the handbook's Appendix 1) and England's
bank holidays. Pure planning: builds unsaved Session objects; services save them."""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays

from .models import ROTATION_WEEKS, Cohort, Session

WEDNESDAY = 2

# Default times (the PD can change any session).
TEACHING_TIMES = (datetime.time(9, 30), datetime.time(12, 30))
ALS_TIMES = (datetime.time(13, 30), datetime.time(16, 30))
PROJECT_AM_TIMES = (datetime.time(9, 0), datetime.time(12, 30))
PROJECT_PM_TIMES = (datetime.time(13, 30), datetime.time(17, 0))

TEACHING_TITLE = "Teaching session / leadership workshop"
ALS_TITLE = "Action learning set"
PRESENTATION_TITLE = "Project presentations (details to follow)"

MEET_SUPERVISOR = "Meet CCG Supervisor to discuss project ideas"
RESEARCH = "Research potential project"
MEET_LEAD = "Meet Project Lead"
ATTEND = "Attend meetings / supervision"
REVIEW = "Meet CCG Supervisor / Project Lead"
FINAL_REVIEW = ("Meet CCG Supervisor and Project Lead; where possible meet the Deputy "
                "Clinical Chair")
PROJECT_WORK = "Project work at CCG base"


@dataclass(frozen=True)
class Activity:
    kind: str
    title: str


def appendix_1(week: int) -> tuple[Activity, Activity]:
    """The project day's morning and afternoon in a given week (Appendix 1 of the handbook)."""
    if not 1 <= week <= ROTATION_WEEKS:
        raise ValueError(f"Week {week} is outside the {ROTATION_WEEKS}-week rotation.")
    meeting, project = Session.Kind.MEETING, Session.Kind.PROJECT
    if week == 1:
        return Activity(meeting, MEET_SUPERVISOR), Activity(project, RESEARCH)
    if week == 2:
        return Activity(meeting, MEET_LEAD), Activity(project, PROJECT_WORK)
    if week in (8, 12):
        return Activity(meeting, REVIEW), Activity(project, PROJECT_WORK)
    if week == ROTATION_WEEKS:
        return Activity(meeting, FINAL_REVIEW), Activity(project, PROJECT_WORK)
    return Activity(project, ATTEND), Activity(project, PROJECT_WORK)


@lru_cache(maxsize=32)
def _bank_holidays_in(year: int) -> dict[datetime.date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holidays(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    """England's bank holidays between two dates (inclusive), from the `holidays` library."""
    found = {}
    for year in range(start.year, end.year + 1):
        found.update({day: name for day, name in _bank_holidays_in(year).items()
                      if start <= day <= end})
    return found


def _bank_holiday(cohort: Cohort, day: datetime.date, name: str, week: int,
                  placement=None) -> Session:
    return Session(cohort=cohort, placement=placement, week=week, date=day,
                   part=Session.Part.DAY, kind=Session.Kind.BANK_HOLIDAY,
                   title=f"Bank holiday: {name}")


def plan_cohort_sessions(cohort: Cohort) -> list[Session]:
    """Every Wednesday: teaching in the morning, the action learning set in the afternoon
    (in week 16 the project presentations take the afternoon). Bank holidays fall out."""
    closed = bank_holidays(cohort.start_date, cohort.end_date)
    planned = []
    for week in range(1, ROTATION_WEEKS + 1):
        day = cohort.monday_of_week(week) + datetime.timedelta(days=WEDNESDAY)
        if day in closed:
            planned.append(_bank_holiday(cohort, day, closed[day], week))
            continue
        planned.append(Session(
            cohort=cohort, week=week, date=day, part=Session.Part.AM,
            start_time=TEACHING_TIMES[0], end_time=TEACHING_TIMES[1],
            kind=Session.Kind.TEACHING, title=TEACHING_TITLE, venue=cohort.teaching_venue))
        if week == ROTATION_WEEKS:
            planned.append(Session(
                cohort=cohort, week=week, date=day, part=Session.Part.PM,
                start_time=ALS_TIMES[0], end_time=ALS_TIMES[1],
                kind=Session.Kind.PRESENTATION, title=PRESENTATION_TITLE,
                venue=cohort.teaching_venue))
        else:
            planned.append(Session(
                cohort=cohort, week=week, date=day, part=Session.Part.PM,
                start_time=ALS_TIMES[0], end_time=ALS_TIMES[1], kind=Session.Kind.ALS,
                title=ALS_TITLE, venue=cohort.teaching_venue,
                facilitator_id=cohort.als_facilitator_id))
    return planned


def plan_placement_sessions(placement, *, from_date: datetime.date | None = None) -> list[Session]:
    """The trainee's project day in every week (or every week from a date on), with the
    Appendix 1 activities of that week. A project day on a bank holiday falls out."""
    cohort = placement.cohort
    closed = bank_holidays(cohort.start_date, cohort.end_date)
    planned = []
    for week in range(1, ROTATION_WEEKS + 1):
        day = cohort.monday_of_week(week) + datetime.timedelta(days=placement.project_day)
        if from_date and day < from_date:
            continue
        if day in closed:
            planned.append(_bank_holiday(cohort, day, closed[day], week, placement))
            continue
        morning, afternoon = appendix_1(week)
        common = {"cohort": cohort, "placement": placement, "week": week, "date": day,
                  "venue": cohort.ccg_venue}
        planned.append(Session(part=Session.Part.AM, start_time=PROJECT_AM_TIMES[0],
                               end_time=PROJECT_AM_TIMES[1], kind=morning.kind,
                               title=morning.title, **common))
        planned.append(Session(part=Session.Part.PM, start_time=PROJECT_PM_TIMES[0],
                               end_time=PROJECT_PM_TIMES[1], kind=afternoon.kind,
                               title=afternoon.title, **common))
    return planned
