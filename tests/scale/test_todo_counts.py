"""The to-do panels, the trainee's page, the concerns list and the timetable overview make the same number of
queries for a cohort of 2 trainees as for one of 5, each trainee with something on every
panel: a project waiting, overdue meetings, an open concern to the PDs and one to the CCG
Supervisor and Deputy Chair, leave waiting for a decision, too few reflective entries and a
failed email."""

import datetime

import pytest
from django.urls import reverse

from absences.models import Absence
from absences.services import absence_report
from clic.accounts.models import Role
from clic.mail.models import OutboundEmail
from projects.models import CommissioningStage
from projects.services import concern_raise, project_save
from rotations.services import cohort_publish
from tests.factories import UserFactory, this_monday
from tests.fixtures.people import give_role
from tests.rotations.helpers import cohort_with_trainees
from tests.scale.test_query_counts import _queries

pytestmark = pytest.mark.django_db


def _cohort(size: int, label: str) -> dict:
    world = cohort_with_trainees(size, start=this_monday(weeks_ago=5), label=label)
    cohort, placements = world["cohort"], world["placements"]
    pa = give_role(UserFactory(email=f"pa-{label}@nhs.test"), Role.PA, cohort.programme)
    chair = give_role(UserFactory(email=f"chair-{label}@nhs.test"), Role.DEPUTY_CHAIR, cohort.ccg)
    lead = give_role(UserFactory(email=f"lead-{label}@nhs.test"), Role.PROJECT_LEAD, cohort.ccg)
    cohort_publish(cohort=cohort, by=world["pd"])
    today = datetime.date.today()
    for number, placement in enumerate(placements):
        placement.project_lead = lead
        placement.save()
        project_save(placement=placement, by=placement.trainee, title=f"Project {number}",
                     ccg_priority="Frailty", aims="Fewer admissions.",
                     commissioning_stage=CommissioningStage.MONITORING)
        concern_raise(placement=placement, by=world["supervisor"], summary=f"S14 {number}",
                      details="Missed a day.")
        concern_raise(placement=placement, by=lead, summary=f"S15 {number}", details="Late.")
        day = (placement.sessions.filter(kind="project", date__gt=today).order_by("date")
               .first().date)
        absence_report(placement=placement, kind=Absence.Kind.ANNUAL_LEAVE, first_day=day,
                       last_day=day, reported_by=placement.trainee)
    OutboundEmail.objects.filter(code="S2").update(status=OutboundEmail.Status.FAILED)
    return {**world, "pa": pa, "chair": chair, "lead": lead, "placement": placements[0],
            "last": placements[-1].trainee.full_name}


PAGES = {
    "home (Programme Director)": ("pd", lambda w: reverse("home")),
    "home (Programme Administrator)": ("pa", lambda w: reverse("home")),
    "home (Deputy Clinical Chair)": ("chair", lambda w: reverse("home")),
    "home (CCG Supervisor)": ("supervisor", lambda w: reverse("home")),
    "home (Project Lead)": ("lead", lambda w: reverse("home")),
    "concerns sent to the PD": ("pd", lambda w: reverse("concerns_received")),
    "concerns sent to the Deputy Chair": ("chair", lambda w: reverse("concerns_received")),
    "timetable overview (PD)": ("pd", lambda w: reverse("cohort_timetable_overview",
                                                        args=[w["cohort"].pk])),
    "trainee page (PD)": ("pd", lambda w: reverse("trainee_page", args=[w["placement"].pk])),
    "trainee page (CCG Supervisor)": ("supervisor", lambda w: reverse(
        "trainee_page", args=[w["placement"].pk])),
}


def test_to_do_panels_and_trainee_pages_make_the_same_queries_for_2_and_5_trainees(
        client, settings):
    settings.CLIC_MFA_ENFORCED = False
    small, large = _cohort(2, "small"), _cohort(5, "large")
    different = {}
    for page, (who, url) in PAGES.items():
        (fewer, _, _), (more, _, html) = (_queries(client, world[who], url(world))
                                          for world in (small, large))
        if fewer != more:
            different[page] = (fewer, more)
        if page.startswith(("home", "concerns", "timetable")):
            assert large["last"] in html, page  # the panel lists the last trainee too
    assert different == {}
