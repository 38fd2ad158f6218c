import datetime

import pytest
from django.core.exceptions import ValidationError

from rotations.models import Cohort, Session
from rotations.services import cohort_publish
from rotations.timetable import bank_holidays, plan_cohort_sessions, week_activities
from tests import factories
from trainees.models import Weekday

from .helpers import cohort_with_trainees

pytestmark = pytest.mark.django_db


def _publish(start, *, project_day=Weekday.THURSDAY, agreed=False, trainees=1):
    world = cohort_with_trainees(trainees, start=start, label=f"{start}-{project_day}")
    for placement in world["placements"]:
        placement.project_day = project_day
        placement.project_day_agreed_by_pd = placement.project_day_agreed_by_es = agreed
        placement.project_day_agreed_by_supervisor = agreed
        placement.save()
    cohort_publish(cohort=world["cohort"], by=world["pd"])
    return world


def test_handbook_template_gives_each_weeks_appendix_1_activities():
    handbook = factories.handbook_version()
    assert week_activities(handbook, 1)[0].title == "Meet CCG Supervisor to discuss project ideas"
    assert week_activities(handbook, 1)[1].title == "Research potential project"
    assert week_activities(handbook, 2)[0].title == "Meet Project Lead"
    for week in [3, 4, 5, 6, 7, 9, 10, 11, 13, 14, 15]:
        assert week_activities(handbook, week)[0].title == "Attend meetings / supervision"
        assert week_activities(handbook, week)[1].title == "Project work at CCG base"
    for week in (8, 12):
        assert week_activities(handbook, week)[0].title == "Meet CCG Supervisor / Project Lead"
    assert week_activities(handbook, 16)[0].title == ("Meet CCG Supervisor and Project Lead; where possible "
                                       "meet the Deputy Clinical Chair")
    assert [w for w in range(1, 17) if week_activities(handbook, w)[0].kind == Session.Kind.MEETING] == [
        1, 2, 8, 12, 16]
    with pytest.raises(ValueError):
        week_activities(handbook, 17)


def test_bank_holidays_come_from_the_holiday_library():
    found = bank_holidays(datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))
    assert datetime.date(2027, 3, 26) in found  # Good Friday
    assert datetime.date(2027, 3, 29) in found  # Easter Monday
    assert datetime.date(2027, 12, 27) in found  # Christmas Day (substitute day)
    assert len(found) >= 8


def test_publishing_makes_sixteen_weeks_of_wednesdays_and_project_days():
    world = _publish(datetime.date(2027, 5, 31))  # spring bank holiday Monday: not a Thursday
    cohort = world["cohort"]
    placement = world["placements"][0]
    wednesdays = Session.objects.filter(cohort=cohort, placement__isnull=True)
    assert wednesdays.filter(kind=Session.Kind.TEACHING).count() == 16
    assert wednesdays.filter(kind=Session.Kind.ALS).count() == 15
    presentation = wednesdays.get(kind=Session.Kind.PRESENTATION)
    assert presentation.week == 16 and presentation.part == Session.Part.PM
    assert {s.date.weekday() for s in wednesdays} == {2}
    assert all(s.facilitator == world["pd"] for s in wednesdays.filter(kind=Session.Kind.ALS))
    days = placement.sessions.all()
    assert days.count() == 32
    assert {s.date.weekday() for s in days} == {Weekday.THURSDAY}
    assert days.filter(date__lt=cohort.start_date).count() == 0
    assert days.filter(date__gt=cohort.end_date).count() == 0
    week1 = days.filter(week=1).order_by("part")
    assert [s.title for s in week1] == ["Meet CCG Supervisor to discuss project ideas",
                                        "Research potential project"]
    assert days.get(week=16, part=Session.Part.AM).title.startswith(
        "Meet CCG Supervisor and Project Lead")
    assert all(s.venue == cohort.ccg_venue for s in days)
    assert len({s.uid for s in Session.objects.filter(cohort=cohort)}) == \
        Session.objects.filter(cohort=cohort).count()


def test_generation_across_christmas_and_new_year_drops_bank_holidays():
    # 7 Dec 2026 to 28 Mar 2027: Christmas Day, New Year's Day and Good Friday (26 March)
    # are all Fridays. A Friday project day loses all three.
    world = _publish(datetime.date(2026, 12, 7), project_day=Weekday.FRIDAY, agreed=True)
    placement = world["placements"][0]
    fridays = placement.sessions.order_by("date")
    christmas = fridays.filter(date=datetime.date(2026, 12, 25))
    assert [s.kind for s in christmas] == [Session.Kind.BANK_HOLIDAY]
    assert christmas.get().title == "Bank holiday: Christmas Day"
    assert christmas.get().part == Session.Part.DAY
    new_year = fridays.get(date=datetime.date(2027, 1, 1))
    assert new_year.kind == Session.Kind.BANK_HOLIDAY
    assert fridays.get(date=datetime.date(2027, 3, 26)).title == "Bank holiday: Good Friday"
    worked = fridays.exclude(kind=Session.Kind.BANK_HOLIDAY)
    assert worked.count() == 2 * 13
    assert not worked.filter(date__in=[datetime.date(2026, 12, 25), datetime.date(2027, 1, 1)])

    # Wednesdays are untouched by a Friday bank holiday.
    assert Session.objects.filter(cohort=world["cohort"], placement__isnull=True,
                                  kind=Session.Kind.TEACHING).count() == 16


def test_generation_across_easter_drops_good_friday_and_easter_monday():
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    monday = _publish(datetime.date(2027, 2, 1), project_day=Weekday.MONDAY, agreed=True)
    friday = _publish(datetime.date(2027, 2, 1), project_day=Weekday.FRIDAY, agreed=True)
    easter_monday = monday["placements"][0].sessions.filter(date=datetime.date(2027, 3, 29))
    assert [s.kind for s in easter_monday] == [Session.Kind.BANK_HOLIDAY]
    assert "Easter Monday" in easter_monday.get().title
    good_friday = friday["placements"][0].sessions.filter(date=datetime.date(2027, 3, 26))
    assert [s.kind for s in good_friday] == [Session.Kind.BANK_HOLIDAY]
    # Also the May Day bank holiday (3 May 2027) falls out of the Monday trainee's weeks.
    assert monday["placements"][0].sessions.get(
        date=datetime.date(2027, 5, 3)).kind == Session.Kind.BANK_HOLIDAY


@pytest.mark.parametrize("start", [datetime.date(2026, 9, 7) + datetime.timedelta(weeks=n)
                                   for n in range(0, 52, 4)])
def test_generation_through_a_year_never_schedules_a_bank_holiday(start):
    world = _publish(start, project_day=Weekday.MONDAY, agreed=True)
    cohort = world["cohort"]
    closed = bank_holidays(cohort.start_date, cohort.end_date)
    sessions = Session.objects.filter(cohort=cohort)
    for session in sessions:
        if session.date in closed:
            assert session.kind == Session.Kind.BANK_HOLIDAY
        else:
            assert session.kind != Session.Kind.BANK_HOLIDAY
        assert cohort.start_date <= session.date <= cohort.end_date
        assert session.week == cohort.week_of(session.date)
    mondays = {s.date for s in sessions.filter(placement__isnull=False)}
    assert len(mondays) == 16


def test_christmas_day_on_a_wednesday_replaces_teaching_with_a_bank_holiday():
    cohort = factories.CohortFactory(start_date=datetime.date(2030, 12, 2))  # 25 Dec 2030: Wed
    planned = plan_cohort_sessions(cohort)
    christmas = [s for s in planned if s.date == datetime.date(2030, 12, 25)]
    assert [s.kind for s in christmas] == [Session.Kind.BANK_HOLIDAY]


def test_a_non_thursday_project_day_is_generated_on_that_day():
    world = _publish(datetime.date(2027, 1, 4), project_day=Weekday.TUESDAY, agreed=True)
    days = world["placements"][0].sessions.all()
    assert {s.date.weekday() for s in days} == {Weekday.TUESDAY}
    assert days.get(week=2, part=Session.Part.AM).title == "Meet Project Lead"
    assert days.get(week=2, part=Session.Part.AM).date == datetime.date(2027, 1, 12)


def test_publishing_twice_does_nothing_new(world):
    from .helpers import outbox

    cohort_publish(cohort=world.cohort, by=world.pd)
    sessions, emails = Session.objects.count(), outbox().count()
    published_at = Cohort.objects.get(pk=world.cohort.pk).published_at
    cohort_publish(cohort=world.cohort, by=world.pd)
    assert Session.objects.count() == sessions
    assert outbox().count() == emails
    assert Cohort.objects.get(pk=world.cohort.pk).published_at == published_at


def test_publishing_an_empty_cohort_is_refused():
    cohort = factories.CohortFactory()
    with pytest.raises(ValidationError) as error:
        cohort_publish(cohort=cohort)
    assert "Add at least one trainee" in str(error.value)
    assert not Session.objects.exists()
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.DRAFT
