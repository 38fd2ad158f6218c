"""A published 16-week rotation on fixed dates, so that bank holidays and moved project
days fall where the tests expect them.

Week 1 starts on Monday 13 April 2026. Project day: Thursday. England's bank holidays in
the rotation: Monday 4 May (week 4) and Monday 25 May (week 7). Two project days are moved
by the PD through the timetable service: week 3's Thursday (30 April) to Friday 1 May,
and week 5's Thursday afternoon (14 May) to Friday 15 May.
"""

import datetime
from dataclasses import dataclass

import pytest

from clic.accounts.models import Role
from rotations.models import Session
from rotations.services import cohort_publish, session_update
from tests import factories
from tests.fixtures.people import give_role

START = datetime.date(2026, 4, 13)


def week_day(week: int, weekday: int) -> datetime.date:
    """The date of a weekday (0 = Monday) in a rotation week (1-16)."""
    return START + datetime.timedelta(weeks=week - 1, days=weekday)


MON, TUE, WED, THU, FRI, SAT = range(6)


@dataclass
class Rotation:
    world: object
    cohort: object
    placement: object
    facilitator: object

    def session(self, day: datetime.date, kind: str, part: str | None = None) -> Session:
        sessions = Session.objects.filter(cohort=self.cohort, date=day, kind=kind)
        if part:
            sessions = sessions.filter(part=part)
        return sessions.get()


def _move(session: Session, to: datetime.date, by) -> None:
    session_update(session=session, by=by, kind=session.kind, title=session.title, date=to,
                   start_time=session.start_time, end_time=session.end_time, venue=session.venue,
                   facilitator=session.facilitator, notes=session.notes)


@pytest.fixture
def rotation(world) -> Rotation:
    facilitator = give_role(factories.UserFactory(email="facilitator@nhs.test",
                                                  full_name="Dr Facilitator"),
                            Role.PD, factories.ProgrammeFactory())
    cohort = factories.CohortFactory(programme=world.programme, ccg=world.ccg, start_date=START,
                                     directors=[world.pd], als_facilitator=facilitator)
    placement = factories.PlacementFactory(
        cohort=cohort, trainee=world.trainee, practice=world.practice,
        educational_supervisor=world.es, ccg_supervisor=world.supervisor, project_lead=world.lead)
    cohort_publish(cohort=cohort, by=world.pd)
    for session in Session.objects.filter(placement=placement, date=week_day(3, THU)):
        _move(session, week_day(3, FRI), world.pd)
    _move(Session.objects.get(placement=placement, date=week_day(5, THU), part=Session.Part.PM),
          week_day(5, FRI), world.pd)
    return Rotation(world=world, cohort=cohort, placement=placement, facilitator=facilitator)


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    """PDs, PAs and CCG admin must set up two-factor sign-in first; not the subject here."""
    settings.CLIC_MFA_ENFORCED = False


@dataclass
class Live:
    """The world's cohort (in week 6 today) with its timetable published."""

    world: object
    cohort: object
    placement: object
    today: datetime.date

    def project_day(self, *, back: int = 0) -> datetime.date:
        """A CCG project day of the trainee's near today (the latest on or before today
        minus `back` days, else the next one)."""
        limit = self.today - datetime.timedelta(days=back)
        sessions = Session.objects.filter(placement=self.placement,
                                          status=Session.Status.SCHEDULED).exclude(
            kind=Session.Kind.BANK_HOLIDAY)
        before = sessions.filter(date__lte=limit).order_by("-date").first()
        return (before or sessions.filter(date__gt=limit).order_by("date").first()).date

    def other_day(self, *, near: datetime.date | None = None) -> datetime.date:
        """A rotation weekday near a date that is no CCG project day and no bank holiday."""
        from rotations.timetable import bank_holidays

        near = near or self.today
        closed = bank_holidays(near - datetime.timedelta(days=14), near + datetime.timedelta(days=14))
        ccg = set(Session.objects.filter(placement=self.placement).values_list("date", flat=True))
        for offset in (0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6):
            day = near + datetime.timedelta(days=offset)
            if (day.weekday() < 5 and day not in closed and day not in ccg
                    and self.cohort.start_date <= day <= self.cohort.end_date):
                return day
        raise AssertionError("no ordinary day near " + str(near))


@pytest.fixture
def live(world) -> Live:
    from django.utils import timezone

    cohort_publish(cohort=world.cohort, by=world.pd)
    return Live(world=world, cohort=world.cohort, placement=world.placement,
                today=timezone.localdate())
