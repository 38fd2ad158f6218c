"""The cohort timetable's 16-week overview (issue 19, section 4): a row a week, its sessions
in brief, and who is away on each session (names only, never the kind or a note)."""

import re

import pytest
from django.urls import reverse

from absences.models import Absence
from absences.services import absence_report
from rotations.models import Session
from rotations.services import cohort_publish
from tests.fixtures.clock import on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False


def _week_rows(html: str) -> dict[int, str]:
    cells = re.findall(r'(\?week=(\d+)">Week \d+</a>.*?)</tr>', html, re.S)
    assert len(cells) == 16
    return {int(week): cell for cell, week in cells}


def _line(row: str, session: Session) -> str:
    """The session's line in its week's row: the cell of its date, the line of its half."""
    (cell,) = [td for td in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
               if f"</span>{session.date.day} {session.date:%b}" in td]
    half = {"am": "Morning: ", "pm": "Afternoon: "}.get(session.part, "")
    (line,) = [li for li in re.findall(r"<li[^>]*>(.*?)</li>", cell, re.S)
               if re.search(rf"</span>{half}", li) or (not half and "</span>" not in li)]
    return line


def test_the_overview_marks_who_is_away_on_each_session_without_a_reason(client, world):
    cohort_publish(cohort=world.cohort, by=world.pd)
    project_days = list(Session.objects.filter(placement=world.placement,
                                               kind=Session.Kind.PROJECT).order_by("date"))
    teaching = Session.objects.filter(cohort=world.cohort, placement__isnull=True,
                                      kind=Session.Kind.TEACHING).order_by("date")
    sick_day, leave_day = project_days[1], project_days[-2]
    wednesday = teaching.filter(week=sick_day.week).first()
    with on(sick_day.date):
        absence_report(placement=world.placement, kind=Absence.Kind.SICKNESS,
                       first_day=sick_day.date, last_day=sick_day.date, note="Migraine",
                       reported_by=world.pd)
    absence_report(placement=world.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                   first_day=leave_day.date, last_day=leave_day.date, reported_by=world.trainee)

    for person in (world.pd, world.pa):
        client.force_login(person)
        html = client.get(reverse("cohort_timetable_overview", args=[world.cohort.pk])
                          ).content.decode()
        rows = _week_rows(html)
        assert "Away</strong> Dr Trainee" in _line(rows[sick_day.week], sick_day)
        # The Wednesday of that week: they were not away then.
        assert "Away" not in _line(rows[wednesday.week], wednesday)
        # Leave waiting for a decision is not an absence yet.
        assert "Away" not in _line(rows[leave_day.week], leave_day)
        assert "Migraine" not in html and "Sickness" not in html
    assert reverse("cohort_timetable_overview", args=[world.cohort.pk]) in client.get(
        reverse("cohort_timetable", args=[world.cohort.pk])).content.decode()


def test_an_unpublished_cohort_has_no_timetable_yet(client, world):
    client.force_login(world.pd)
    html = client.get(reverse("cohort_timetable_overview", args=[world.cohort.pk])
                      ).content.decode()
    assert "The timetable is made when the cohort is published." in html
