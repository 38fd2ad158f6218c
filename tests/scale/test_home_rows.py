"""The project panels of the home pages read their placements with only the joins they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.selectors import supervision_rows, supervisor_home, trainee_home
from tests.fixtures.clock import on

pytestmark = pytest.mark.django_db


# Planning a ten-way join took longer than running it: the supervision list joins the
# cohort, trainee, project and checklist its rows show; the home pages' read serves their
# placement panels too, the supervisor's naming the CCG Supervisor, and the trainee's cards
# the CCG, practice and three people (and not the trainee). Each joins the cohort's template
# version too: the meetings its rows list are the version's.
@pytest.mark.parametrize("rows, who, joins", [(trainee_home, "trainee", 9),
                                              (supervisor_home, "supervisor", 6),
                                              (supervision_rows, "pd", 5)])
def test_project_rows_join_only_what_their_page_shows(world, rows, who, joins):
    with CaptureQueriesContext(connection) as queries:
        found = rows(getattr(world, who), datetime.date.today())
        if rows is not supervision_rows:
            placements, found = found
            assert world.placement in placements
        for row in found:
            assert row.placement.trainee.full_name and row.placement.cohort.name

    [placements] = [q["sql"] for q in queries if '"projects_project"' in q["sql"]]
    assert placements.count(" JOIN ") == joins
    # Only the supervision list shows the latest progress entry.
    assert ("projects_progressentry" in placements) == (rows is supervision_rows)


def test_the_trainees_absence_panel_reads_their_absences_with_no_other_rows(client, world):
    from absences.models import Absence
    from absences.services import absence_report
    from rotations.services import cohort_publish

    cohort_publish(cohort=world.cohort, by=world.pd)
    day = world.placement.sessions.exclude(kind="bank_holiday").order_by("date").first().date
    with on(day):
        absence_report(placement=world.placement, kind=Absence.Kind.SICKNESS, first_day=day,
                       last_day=None, reported_by=world.pd)
    client.force_login(world.trainee)

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()

    [absences] = [q["sql"] for q in queries if q["sql"].startswith('SELECT "absences_absence"')]
    assert " JOIN " not in absences  # by the ids of their placements
    assert "You are off sick from" in html


def test_the_supervisors_home_reads_their_trainees_and_meetings_once(client, world):
    """The panels and the to-do list share one read of the placements (with their projects,
    checklists and meetings): `make bench` "supervisor: home"."""
    client.force_login(world.supervisor)
    client.get("/")  # the per-process caches (content types, the session) warmed
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()

    sql = [q["sql"] for q in queries]
    assert len([q for q in sql if '"projects_project"' in q]) == 1
    assert not [q for q in sql if q.startswith('SELECT "projects_meeting"')]
    # 9 with the temperature check's panel (one read of the person's open invitations);
    # whether they have trainees of earlier cohorts is known from what the page read.
    assert len(sql) == 9
    assert world.placement.trainee.full_name in html
