"""The demo's absences, through the services, so their SOP emails sit in the outbox:
a recent sickness on a CCG project day (S5), another that Ben emailed to the CCG admin
mailbox and the CCG admin recorded for him (S5), a sickness on a Monday (S6), annual leave
approved (the decision to Chloe and everyone told of her request) and another pending (S7),
a study leave request (S8) and, built on a day with a session, a running-late note for it
(S9: the service takes one only for today). Dates are relative to today (week 6 of 16)."""

import datetime
from collections.abc import Callable, Iterable

from django.db.models import Q

from clic.accounts.demo import DemoData
from rotations.models import Session

from .models import Absence
from .services import AbsenceRefused, absence_report, leave_decide


def _first_that_works(candidates: Iterable, attempt: Callable):
    """The first candidate date the service accepts (bank holidays, weekends and the like
    fall through to the next)."""
    for candidate in candidates:
        try:
            return attempt(candidate)
        except AbsenceRefused:
            continue
    return None


def _project_days_before(placement, today: datetime.date):
    """The trainee's CCG project days in the rotation before today, latest first."""
    return (Session.objects.filter(placement=placement, date__lt=today,
                                   date__gte=placement.cohort.start_date,
                                   status=Session.Status.SCHEDULED)
            .exclude(kind=Session.Kind.BANK_HOLIDAY)
            .order_by("-date").values_list("date", flat=True).distinct())


def load(data: DemoData) -> None:
    cohort = data.extras["running_cohort"]
    today = data.today
    people = data.people
    placements = {p.trainee_id: p for p in cohort.placements.select_related(
        "trainee", "cohort", "cohort__ccg", "ccg_supervisor", "project_lead")}
    amy, ben, chloe, daniel = (placements[t.pk] for t in data.trainees)
    week = datetime.timedelta(weeks=1)

    # S5: Amy was off sick on her latest CCG project day.
    _first_that_works(_project_days_before(amy, today), lambda day: absence_report(
        placement=amy, kind=Absence.Kind.SICKNESS, first_day=day, last_day=day,
        note="Migraine: visible only to me, the PA and the PDs.", reported_by=amy.trainee))

    # S6: Ben was off sick on a Monday (this week's, or an earlier one).
    monday = today - datetime.timedelta(days=today.weekday())
    mondays = [monday - n * week for n in range(0, 3) if monday - n * week < today]
    _first_that_works(mondays, lambda day: absence_report(
        placement=ben, kind=Absence.Kind.SICKNESS, first_day=day, last_day=day,
        reported_by=ben.trainee))

    # S5 from the mailbox: Ben emailed the CCG admin mailbox that he was off sick on his
    # latest CCG project day, and the CCG admin recorded it for him.
    _first_that_works(_project_days_before(ben, today), lambda day: absence_report(
        placement=ben, kind=Absence.Kind.SICKNESS, first_day=day, last_day=day,
        reported_by=people["ccgadmin"]))

    # S7: Chloe's annual leave in week 9, approved by the PD; Amy's in week 11, pending.
    approved = _first_that_works(
        [cohort.monday_of_week(w) for w in (9, 10, 12)], lambda day: absence_report(
            placement=chloe, kind=Absence.Kind.ANNUAL_LEAVE, first_day=day,
            last_day=day + datetime.timedelta(days=1), note="Family wedding in Edinburgh.",
            reported_by=chloe.trainee))
    if approved is not None:
        leave_decide(absence=approved, approve=True, decided_by=people["pd"],
                     comment="Approved. Please let your GP practice know too.")
    _first_that_works(
        [cohort.monday_of_week(w) + datetime.timedelta(days=4) for w in (11, 13, 14)],
        lambda day: absence_report(placement=amy, kind=Absence.Kind.ANNUAL_LEAVE, first_day=day,
                                   last_day=day, reported_by=amy.trainee))

    # S8: Daniel asks for a day of study leave in week 10.
    _first_that_works(
        [cohort.monday_of_week(w) + datetime.timedelta(days=1) for w in (10, 11, 12)],
        lambda day: absence_report(placement=daniel, kind=Absence.Kind.STUDY_LEAVE,
                                   first_day=day, last_day=day, note="GP update course.",
                                   reported_by=daniel.trainee))

    # S9: Daniel is running late for today's session.
    session = (Session.objects.filter(cohort=cohort, date=today, status=Session.Status.SCHEDULED)
               .filter(Q(placement__isnull=True) | Q(placement=daniel))
               .exclude(kind=Session.Kind.BANK_HOLIDAY).order_by("-date", "start_time").first())
    if session is not None:
        _first_that_works([session], lambda chosen: absence_report(
            placement=daniel, kind=Absence.Kind.RUNNING_LATE, first_day=None, last_day=None,
            session=chosen, expected_arrival=datetime.time(10, 15), reported_by=daniel.trainee))
