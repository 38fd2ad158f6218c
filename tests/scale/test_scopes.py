"""What each person sees (their placements, sessions, absences and meetings) is found by id,
through indexes: the rows read do not grow when other ICBs' history is added."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from absences.models import Absence
from absences.selectors import absences_visible_to
from absences.services import absence_report
from clic.accounts.access import DIRECTS, access_for
from projects.models import MeetingKind
from projects.selectors import meetings_visible_to
from projects.services import meeting_schedule
from rotations.models import Session
from rotations.selectors import sessions_visible_to
from rotations.services import cohort_publish
from tests.fixtures.clock import on
from trainees.selectors import placements_visible_to, reach

from .plans import add_history, rows_read, rows_read_by

pytestmark = pytest.mark.django_db

PEOPLE = ("trainee", "pd", "pa", "supervisor", "lead", "es", "chair", "ccg_admin", "other_pd")


@pytest.fixture
def timetable(world):
    """The world's cohort published, with an absence and a meeting: the window it runs in."""
    cohort_publish(cohort=world.cohort, by=world.pd)
    day = (Session.objects.filter(placement=world.placement).exclude(kind="bank_holiday")
           .order_by("date").first().date)
    with on(day):
        absence_report(placement=world.placement, kind=Absence.Kind.SICKNESS, first_day=day,
                       last_day=day, reported_by=world.pd)
    meeting_schedule(placement=world.placement, kind=MeetingKind.REVIEW_8, by=world.supervisor,
                     date=world.cohort.monday_of_week(8), start_time=datetime.time(10),
                     end_time=datetime.time(11), venue="CCG offices")
    return world.cohort.start_date, world.cohort.end_date


# What each person sees, and the table it is read from.
SEEN = {
    "placements": (lambda user, start, end: rows_read(placements_visible_to(user)),
                   "trainees_placement"),
    "sessions": (lambda user, start, end: rows_read(sessions_visible_to(user, start, end)),
                 "rotations_session"),
    "absences": (lambda user, start, end: rows_read_by(
        lambda: absences_visible_to(user, start, end, timezone.localdate())), "absences_absence"),
    "meetings": (lambda user, start, end: rows_read(meetings_visible_to(user, start, end)),
                 "projects_meeting"),
}


def _reads(world, start, end) -> dict[str, int]:
    """For each person and each thing they see, the rows read from its table."""
    return {f"{who}: {seen}": read(getattr(world, who), start, end)[table]
            for who in PEOPLE for seen, (read, table) in SEEN.items()}


def test_what_people_see_is_read_by_id_not_by_scanning_others_history(world, timetable):
    before = _reads(world, *timetable)
    add_history()
    after = _reads(world, *timetable)

    grown = {key: (before[key], after[key]) for key in before if after[key] > before[key]}
    assert grown == {}


def test_memberships_and_directed_cohorts_are_one_query_for_the_request(world):
    with CaptureQueriesContext(connection) as queries:
        memberships = access_for(world.pd).memberships
        roles = access_for(world.pd).roles
        access_for(world.pd).has_role("pd")

    assert len(queries) == 1
    assert roles == {"pd"}
    assert (DIRECTS, world.cohort.pk) in memberships


@pytest.mark.parametrize("who", PEOPLE)
def test_reach_takes_at_most_two_queries_and_is_memoised(world, who):
    user = getattr(world, who)
    assert access_for(user).roles  # read before counting: only reach's own queries count
    with CaptureQueriesContext(connection) as queries:
        reach(user)
        reach(user)

    assert len(queries) <= 2


def test_any_of_is_an_array_lookup_on_postgresql_and_a_plain_in_elsewhere():
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from clic.queries import AnyOf
    from projects.models import Meeting

    attended = Meeting.attendees.through.objects.filter(user_id=1).values("meeting_id")
    query = Meeting.objects.filter(AnyOf("pk", attended)).query
    sqlite = DatabaseWrapper({**connection.settings_dict,
                              "ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"})

    postgresql_sql, _ = query.get_compiler(connection=connection).as_sql()
    sqlite_sql, _ = query.get_compiler(connection=sqlite).as_sql()
    assert '"projects_meeting"."id" = ANY(ARRAY(SELECT' in postgresql_sql
    assert '"projects_meeting"."id" IN (SELECT' in sqlite_sql


@pytest.mark.parametrize("who, role", [("trainee", "trainee"), ("supervisor", "ccg_supervisor"),
                                       ("ccg_admin", "ccg_admin"), ("pd", "pd")])
def test_a_roles_placements_are_looked_up_as_one_list_of_ids(world, who, role):
    from trainees.selectors import placements_in_role

    placements = placements_in_role(getattr(world, who), role)

    assert str(placements.query).count('"trainees_placement"."id" IN') == 1
    assert list(placements) == [world.placement]
