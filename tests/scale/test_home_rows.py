"""The project panels of the home pages read their placements with only the joins they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.selectors import supervision_rows, supervisor_home, trainee_home

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows, who", [(trainee_home, "trainee"), (supervisor_home, "supervisor"),
                                       (supervision_rows, "pd")])
def test_project_rows_join_only_the_cohort_trainee_project_and_checklist(world, rows, who):
    with CaptureQueriesContext(connection) as queries:
        found = rows(getattr(world, who), datetime.date.today())

    [placements] = [q["sql"] for q in queries if '"projects_project"' in q["sql"]]
    # Planning a ten-way join took longer than running it; these four are all the rows use.
    assert placements.count(" JOIN ") == 4
    # Only the supervision list shows the latest progress entry.
    assert ("projects_progressentry" in placements) == (rows is supervision_rows)
    for row in found:
        assert row.placement.trainee.full_name and row.placement.cohort.name


def test_the_trainees_absence_panel_reads_their_absences_with_no_other_rows(client, world):
    from absences.models import Absence
    from absences.services import absence_report
    from rotations.services import cohort_publish

    cohort_publish(cohort=world.cohort, by=world.pd)
    day = world.placement.sessions.exclude(kind="bank_holiday").order_by("date").first().date
    absence_report(placement=world.placement, kind=Absence.Kind.SICKNESS, first_day=day,
                   last_day=None, reported_by=world.pd, today=day)
    client.force_login(world.trainee)

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()

    [absences] = [q["sql"] for q in queries if q["sql"].startswith('SELECT "absences_absence"')]
    assert absences.count(" JOIN ") == 1  # to the placement, to find the trainee's
    assert "You are off sick from" in html
