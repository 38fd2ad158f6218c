"""The timetable planned from the cohort's template version (what each week holds) and
England's bank holidays. Pure planning: builds unsaved Session objects; services save them."""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays

from .models import Cohort, Session, TemplateVersion, Weekday


def _time(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


@dataclass(frozen=True)
class Activity:
    kind: str
    title: str


def week_activities(version: TemplateVersion, week: int) -> tuple[Activity, Activity]:
    """The project day's morning and afternoon in a given week (east Kent: Appendix 1 of the
    handbook). An empty title means no session that half-day."""
    if not 1 <= week <= version.weeks:
        raise ValueError(f"Week {week} is outside the {version.weeks}-week rotation.")
    morning, afternoon = version.activities[week - 1]
    return Activity(**morning), Activity(**afternoon)


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


def teaching_day_sessions(version: TemplateVersion, week: int, weekday: int) -> list[dict]:
    """The template's cohort-wide sessions on one weekday of a week, in time order. In the
    presentation week the last session of the first teaching day becomes the presentation."""
    specs = sorted((spec for spec in version.teaching_sessions
                    if spec["weekday"] == weekday and (not spec["weeks"] or week in spec["weeks"])),
                   key=lambda spec: spec["start"])
    if specs and week == version.presentation_week and weekday == version.teaching_weekdays[0]:
        specs[-1] = {**specs[-1], "kind": Session.Kind.PRESENTATION,
                     "title": version.presentation_title}
    return specs


def plan_cohort_sessions(cohort: Cohort) -> list[Session]:
    """The cohort-wide sessions of every week on the template's teaching day(s); the action
    learning set goes to the cohort's facilitator. Bank holidays fall out."""
    version = cohort.template_version
    closed = bank_holidays(cohort.start_date, cohort.end_date)
    planned = []
    for week in range(1, cohort.weeks + 1):
        for weekday in version.teaching_weekdays:
            specs = teaching_day_sessions(version, week, weekday)
            if not specs:
                continue
            day = cohort.monday_of_week(week) + datetime.timedelta(days=weekday)
            if day in closed:
                planned.append(_bank_holiday(cohort, day, closed[day], week))
                continue
            for spec in specs:
                planned.append(Session(
                    cohort=cohort, week=week, date=day, part=spec["part"],
                    start_time=_time(spec["start"]), end_time=_time(spec["end"]),
                    kind=spec["kind"], title=spec["title"], venue=cohort.teaching_venue,
                    facilitator_id=(cohort.als_facilitator_id
                                    if spec["kind"] == Session.Kind.ALS else None)))
    return planned


def project_halves(version: TemplateVersion, project_day: int) -> list[tuple[str, int]]:
    """(part, weekday) of the project day's two halves: both on the trainee's project day,
    or the afternoon on the template's other weekday when the days are two half-days."""
    afternoon = project_day if version.afternoon_weekday is None else version.afternoon_weekday
    return [(Session.Part.AM, project_day), (Session.Part.PM, afternoon)]


def plan_placement_sessions(placement, *, from_date: datetime.date | None = None) -> list[Session]:
    """The trainee's project day in every week (or every week from a date on), with that
    week's activities from the template. A half on a bank holiday falls out."""
    cohort = placement.cohort
    version = cohort.template_version
    times = {Session.Part.AM: (version.morning_start, version.morning_end),
             Session.Part.PM: (version.afternoon_start, version.afternoon_end)}
    closed = bank_holidays(cohort.start_date, cohort.end_date)
    planned = []
    for week in range(1, cohort.weeks + 1):
        holiday_marked = set()
        for (part, weekday), activity in zip(project_halves(version, placement.project_day),
                                             week_activities(version, week), strict=True):
            day = cohort.monday_of_week(week) + datetime.timedelta(days=weekday)
            if (from_date and day < from_date) or not activity.title:
                continue
            if day in closed:
                if day not in holiday_marked:
                    holiday_marked.add(day)
                    planned.append(_bank_holiday(cohort, day, closed[day], week, placement))
                continue
            planned.append(Session(
                cohort=cohort, placement=placement, week=week, date=day, part=part,
                start_time=times[part][0], end_time=times[part][1], kind=activity.kind,
                title=activity.title, venue=cohort.ccg_venue))
    return planned


def week_outline(version: TemplateVersion) -> list[dict]:
    """What each week of a template holds, for its page and the editor's preview: the
    teaching day(s)' sessions, the project day's two halves, SOP meetings, the presentation."""
    weekday_names = dict(Weekday.choices)
    rows = []
    for week in range(1, version.weeks + 1):
        teaching = [{**spec, "weekday_name": weekday_names[weekday]}
                    for weekday in version.teaching_weekdays
                    for spec in teaching_day_sessions(version, week, weekday)]
        morning, afternoon = week_activities(version, week)
        rows.append({"week": week, "teaching": teaching, "morning": morning,
                     "afternoon": afternoon, "meeting": week in version.meeting_weeks,
                     "presentation": week == version.presentation_week})
    return rows
