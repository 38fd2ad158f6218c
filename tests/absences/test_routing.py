"""SOP rows S5-S9, day by day from the timetable: who is emailed, exactly, and once."""

import datetime
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType

from absences import services
from absences.models import Absence
from absences.routing import Routing, Timetable, overlaps, route, sop_days
from clic.accounts.models import Role
from clic.mail.models import OutboundEmail
from clic.mail.routing import current_table
from clic.mail.services import routing_row_save
from rotations.models import Session
from tests import factories
from tests.fixtures.people import give_role

from .conftest import FRI, MON, SAT, START, THU, TUE, WED, Rotation, week_day

pytestmark = pytest.mark.django_db

CCG_PEOPLE = {"supervisor@nhs.test", "lead@nhs.test", "ekccgs.quality@nhs.net"}
PROGRAMME = {"pa@nhs.test", "pd@nhs.test"}
ANNUAL = PROGRAMME | {"supervisor@nhs.test", "lead@nhs.test"}
CCG_SESSION = {"supervisor@nhs.test", "lead@nhs.test"}
COHORT_SESSION = {"facilitator@nhs.test", "pd@nhs.test"}

S, AL, SL, CA, RL = (Absence.Kind.SICKNESS, Absence.Kind.ANNUAL_LEAVE, Absence.Kind.STUDY_LEAVE,
                     Absence.Kind.CANNOT_ATTEND, Absence.Kind.RUNNING_LATE)

# (case, kind, first day, last day, part, session (date, kind, part) or None,
#  {SOP code: (recipients, days listed)})
CASES = [
    ("project day", S, week_day(2, THU), week_day(2, THU), "day", None,
     {"S5": (CCG_PEOPLE, [week_day(2, THU)])}),
    ("Wednesday teaching day", S, week_day(2, WED), week_day(2, WED), "day", None,
     {"S6": (PROGRAMME, [week_day(2, WED)])}),
    ("Monday", S, week_day(2, MON), week_day(2, MON), "day", None,
     {"S6": (PROGRAMME, [week_day(2, MON)])}),
    ("a week over both", S, week_day(2, MON), week_day(2, FRI), "day", None,
     {"S5": (CCG_PEOPLE, [week_day(2, THU)]),
      "S6": (PROGRAMME, [week_day(2, d) for d in (MON, TUE, WED, FRI)])}),
    ("moved project day: its new date", S, week_day(3, FRI), week_day(3, FRI), "day", None,
     {"S5": (CCG_PEOPLE, [week_day(3, FRI)])}),
    ("moved project day: its old date", S, week_day(3, THU), week_day(3, THU), "day", None,
     {"S6": (PROGRAMME, [week_day(3, THU)])}),
    ("over a bank holiday", S, week_day(3, FRI), week_day(4, TUE), "day", None,
     {"S5": (CCG_PEOPLE, [week_day(3, FRI)]), "S6": (PROGRAMME, [week_day(4, TUE)])}),
    ("morning of a project day", S, week_day(6, THU), week_day(6, THU), "am", None,
     {"S5": (CCG_PEOPLE, [week_day(6, THU)])}),
    ("afternoon of a Monday", S, week_day(6, MON), week_day(6, MON), "pm", None,
     {"S6": (PROGRAMME, [week_day(6, MON)])}),
    ("a day whose afternoon project session moved", S, week_day(5, THU), week_day(5, THU),
     "day", None,
     {"S5": (CCG_PEOPLE, [week_day(5, THU)]), "S6": (PROGRAMME, [week_day(5, THU)])}),
    ("annual leave over a bank holiday week", AL, week_day(7, MON), week_day(7, FRI), "day", None,
     {"S7": (ANNUAL, [week_day(7, d) for d in (TUE, WED, THU, FRI)])}),
    ("study leave", SL, week_day(7, TUE), week_day(7, TUE), "day", None,
     {"S8": (PROGRAMME, [week_day(7, TUE)])}),
    ("cannot attend Wednesday teaching", CA, None, None, "day",
     (week_day(8, WED), Session.Kind.TEACHING, "am"), {"S8": (PROGRAMME, [week_day(8, WED)])}),
    ("late for a CCG meeting", RL, None, None, "day",
     (week_day(8, THU), Session.Kind.MEETING, "am"), {"S9": (CCG_SESSION, None)}),
    ("late for the action learning set", RL, None, None, "day",
     (week_day(8, WED), Session.Kind.ALS, "pm"), {"S9": (COHORT_SESSION, None)}),
]


def _emails(absence):
    return OutboundEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Absence), object_id=absence.pk)


@pytest.mark.parametrize("case,kind,first,last,part,session_ref,expected", CASES,
                         ids=[c[0] for c in CASES])
def test_each_report_emails_exactly_the_sop_people_once(rotation, case, kind, first, last, part,
                                                        session_ref, expected, clock):
    session = None
    if session_ref:
        day, session_kind, session_part = session_ref
        session = rotation.session(day, session_kind, session_part)
    clock.set(session.date if session else first)
    absence = services.absence_report(
        placement=rotation.placement, kind=kind, first_day=first, last_day=last, part=part,
        note="Migraine, please keep private", reported_by=rotation.world.trainee,
        session=session)
    emails = list(_emails(absence))
    by_code = Counter(email.code for email in emails)
    assert set(by_code) == set(expected)
    for code, (recipients, days) in expected.items():
        sent = [email for email in emails if email.code == code]
        assert Counter(email.to_email for email in sent) == Counter(recipients)
        if days is not None:
            for email in sent:
                for day in days:
                    assert f"{day:%A} {day.day} {day:%B %Y}" in email.body_text
    assert absence.notified_codes == list(expected)
    assert all("Migraine" not in email.body_text + email.body_html + email.subject
               for email in emails)


@pytest.mark.parametrize("first,last,message", [
    (week_day(4, MON), week_day(4, MON), "bank holiday"),
    (week_day(1, MON) - datetime.timedelta(days=7), week_day(1, MON) - datetime.timedelta(days=3),
     "outside the rotation"),
    (week_day(2, SAT), week_day(2, SAT) + datetime.timedelta(days=1), "weekend"),
])
def test_a_report_made_only_of_non_rotation_days_is_refused(rotation, first, last, message,
                                                            clock):
    clock.set(first)
    with pytest.raises(services.AbsenceRefused, match=message):
        services.absence_report(placement=rotation.placement, kind=Absence.Kind.SICKNESS,
                                first_day=first, last_day=last, reported_by=rotation.world.pd)
    assert not Absence.objects.exists()
    assert not OutboundEmail.objects.filter(code__in=["S5", "S6"]).exists()


def test_routing_is_pure_over_a_timetable():
    monday = datetime.date(2026, 6, 1)
    thursday = monday + datetime.timedelta(days=3)
    sessions = [Session(placement_id=7, date=thursday, part="am", kind="meeting",
                        status="scheduled", title="x"),
                Session(placement_id=7, date=thursday, part="pm", kind="project",
                        status="cancelled", title="x"),
                Session(placement_id=None, date=monday + datetime.timedelta(days=2), part="am",
                        kind="teaching", status="scheduled", title="x")]
    timetable = Timetable(placement_id=7, rotation_start=monday - datetime.timedelta(weeks=4),
                          rotation_end=monday + datetime.timedelta(weeks=4), sessions=sessions,
                          bank_holidays={monday: "Made-up holiday"})
    routing = route(timetable, monday, monday + datetime.timedelta(days=6))
    assert [str(d) for d in routing.ccg_days] == ["Thursday 4 June 2026 (morning)"]
    assert [d.date.weekday() for d in routing.other_days] == [1, 2, 3, 4]
    assert routing.day_count == 4.0 and routing.ccg_day_count == 0.5
    assert [reason for _, reason in routing.excluded] == [
        "a bank holiday (Made-up holiday)", "a weekend", "a weekend"]
    assert set(sop_days(Absence.Kind.SICKNESS, routing)) == {"S5", "S6"}
    assert list(sop_days(Absence.Kind.ANNUAL_LEAVE, routing)) == ["S7"]
    assert sop_days(Absence.Kind.STUDY_LEAVE, Routing()) == {}


def test_overlaps_by_half_day():
    day = datetime.date(2026, 6, 1)
    assert overlaps(day, day, "am", day, day, "day")
    assert not overlaps(day, day, "am", day, day, "pm")
    assert not overlaps(day, day, "day", day + datetime.timedelta(days=1),
                        day + datetime.timedelta(days=2), "day")


# A second programme, as a programme template could plan it: teaching on Tuesdays and two
# half project days (Monday afternoon, Friday morning), its sessions written straight to the
# timetable; and its own table, which also tells its PDs of sickness on a project day.
T_PROJECT = CCG_PEOPLE | {"pd@nhs.test"}
T_CASES = [
    ("Tuesday teaching day", S, week_day(2, TUE), week_day(2, TUE), "day", None,
     {"S6": (PROGRAMME, [week_day(2, TUE)])}),
    ("Monday: afternoon project, morning not", S, week_day(2, MON), week_day(2, MON), "day", None,
     {"S5": (T_PROJECT, [week_day(2, MON)]), "S6": (PROGRAMME, [week_day(2, MON)])}),
    ("Monday afternoon", S, week_day(2, MON), week_day(2, MON), "pm", None,
     {"S5": (T_PROJECT, [week_day(2, MON)])}),
    ("Friday morning", S, week_day(2, FRI), week_day(2, FRI), "am", None,
     {"S5": (T_PROJECT, [week_day(2, FRI)])}),
    ("Friday afternoon", S, week_day(2, FRI), week_day(2, FRI), "pm", None,
     {"S6": (PROGRAMME, [week_day(2, FRI)])}),
    ("Wednesday and Thursday, east Kent's days", S, week_day(2, WED), week_day(2, THU), "day",
     None, {"S6": (PROGRAMME, [week_day(2, WED), week_day(2, THU)])}),
    ("a week over both", S, week_day(3, MON), week_day(3, FRI), "day", None,
     {"S5": (T_PROJECT, [week_day(3, MON), week_day(3, FRI)]),
      "S6": (PROGRAMME, [week_day(3, d) for d in (MON, TUE, WED, THU, FRI)])}),
    ("annual leave", AL, week_day(5, MON), week_day(5, FRI), "day", None,
     {"S7": (ANNUAL, [week_day(5, d) for d in (MON, TUE, WED, THU, FRI)])}),
    ("cannot attend Tuesday teaching", CA, None, None, "day",
     (week_day(6, TUE), Session.Kind.TEACHING, "am"), {"S8": (PROGRAMME, [week_day(6, TUE)])}),
    ("late for the Monday afternoon project session", RL, None, None, "day",
     (week_day(6, MON), Session.Kind.PROJECT, "pm"), {"S9": (CCG_SESSION, None)}),
]


@pytest.fixture
def tuesday_rotation(world) -> Rotation:
    programme = factories.ProgrammeFactory(name="Derbyshire Clinical Commissioning Development "
                                                "Programme")
    give_role(world.pa, Role.PA, programme)
    cohort = factories.CohortFactory(programme=programme, ccg=world.ccg, start_date=START,
                                     directors=[world.pd])
    placement = factories.PlacementFactory(
        cohort=cohort, trainee=world.trainee, practice=world.practice,
        educational_supervisor=world.es, ccg_supervisor=world.supervisor, project_lead=world.lead)
    for week in range(1, 17):
        for part, kind in (("am", Session.Kind.TEACHING), ("pm", Session.Kind.ALS)):
            Session.objects.create(cohort=cohort, week=week, date=week_day(week, TUE), part=part,
                                   kind=kind, title=kind.label)
        for weekday, part in ((MON, "pm"), (FRI, "am")):
            Session.objects.create(cohort=cohort, placement=placement, week=week,
                                   date=week_day(week, weekday), part=part,
                                   kind=Session.Kind.PROJECT, title="Project work")
    sickness = current_table(programme.pk).rows.get(code="S5")
    routing_row_save(programme=programme, code="S5", recipients=[*sickness.recipients, "pd"],
                     reply_to=sickness.reply_to, subject=sickness.subject_template,
                     text=sickness.text_template, by=world.pd)
    return Rotation(world=world, cohort=cohort, placement=placement, facilitator=None)


@pytest.mark.parametrize("case,kind,first,last,part,session_ref,expected", T_CASES,
                         ids=[c[0] for c in T_CASES])
def test_a_tuesday_programme_with_half_project_days_routes_by_its_sessions_and_table(
        tuesday_rotation, case, kind, first, last, part, session_ref, expected, clock):
    test_each_report_emails_exactly_the_sop_people_once(
        tuesday_rotation, case, kind, first, last, part, session_ref, expected, clock)
