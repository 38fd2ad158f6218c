import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import services
from projects.models import CommissioningStage, MeetingKind, ProgressComment, ProgressEntry, Project
from tests import factories

pytestmark = pytest.mark.django_db


def test_trainee_adds_a_dated_progress_entry(client, world):
    client.force_login(world.trainee)
    day = world.cohort.start_date + datetime.timedelta(days=3)
    response = client.post(reverse("progress", args=[world.placement.pk]),
                           {"date": day.isoformat(), "text": "Met the urgent care team."})
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.date, entry.author) == (day, world.trainee)
    page = client.get(reverse("progress", args=[world.placement.pk])).content.decode()
    assert "Met the urgent care team." in page


@pytest.mark.parametrize(("offset", "message"), [
    (-3, "The entry&#x27;s date must be during the rotation"),
    (None, "The entry&#x27;s date cannot be in the future."),
])
def test_progress_entry_with_a_bad_date_is_refused(client, world, offset, message):
    client.force_login(world.trainee)
    day = (world.cohort.start_date + datetime.timedelta(days=offset) if offset is not None
           else datetime.date.today() + datetime.timedelta(days=1))
    response = client.post(reverse("progress", args=[world.placement.pk]),
                           {"date": day.isoformat(), "text": "Something"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_empty_progress_entry_is_refused(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("progress", args=[world.placement.pk]),
                           {"date": world.cohort.start_date.isoformat(), "text": "  "})
    assert "Enter what progress you have made." in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_first_progress_entry_puts_an_agreed_project_in_progress(world):
    project = services.project_save(
        placement=world.placement, by=world.trainee, title="Audit", ccg_priority="Frailty",
        aims="Aims", commissioning_stage=CommissioningStage.MONITORING)
    services.project_agree(project=project, by=world.supervisor)
    services.progress_add(placement=world.placement, by=world.trainee,
                          date=world.cohort.start_date, text="Started.")
    assert Project.objects.get().status == Project.Status.IN_PROGRESS


@pytest.mark.parametrize("who", ["supervisor", "lead"])
def test_supervisor_and_lead_comment_on_an_entry(client, world, who):
    entry = services.progress_add(placement=world.placement, by=world.trainee,
                                  date=world.cohort.start_date, text="Started.")
    client.force_login(getattr(world, who))
    response = client.post(reverse("progress_comment", args=[world.placement.pk, entry.pk]),
                           {"text": "Good start: talk to the frailty lead."})
    assert response.status_code == 302
    assert ProgressComment.objects.get().author == getattr(world, who)
    page = client.get(reverse("progress", args=[world.placement.pk])).content.decode()
    assert "Good start: talk to the frailty lead." in page


def test_trainee_cannot_comment_or_others_add_entries(client, world):
    entry = services.progress_add(placement=world.placement, by=world.trainee,
                                  date=world.cohort.start_date, text="Started.")
    client.force_login(world.trainee)
    assert client.post(reverse("progress_comment", args=[world.placement.pk, entry.pk]),
                       {"text": "Self praise"}).status_code == 403
    client.force_login(world.supervisor)
    assert client.post(reverse("progress", args=[world.placement.pk]), {
        "date": world.cohort.start_date.isoformat(), "text": "Not mine"}).status_code == 403
    assert ProgressEntry.objects.count() == 1 and not ProgressComment.objects.exists()


# The supervisor's trainee list --------------------------------------------------------------


def add_trainees(world, count, first=0):
    """More trainees supervised by the world's supervisor, each with a project, progress and
    a meeting, so that each row has something to show."""
    for n in range(first, first + count):
        placement = factories.PlacementFactory(cohort=world.cohort, ccg_supervisor=world.supervisor,
                                               project_lead=world.lead)
        project = services.project_save(
            placement=placement, by=placement.trainee, title=f"Project {n}",
            ccg_priority="Frailty", aims="Aims", commissioning_stage=CommissioningStage.MONITORING)
        services.project_agree(project=project, by=world.supervisor)
        services.progress_add(placement=placement, by=placement.trainee,
                              date=world.cohort.start_date, text=f"Entry {n}")
        services.meeting_record(placement=placement, kind=MeetingKind.FIRST_SUPERVISOR,
                                held_on=world.cohort.start_date, notes="Met.", by=world.supervisor)


def supervision_queries(client, world) -> int:
    client.force_login(world.supervisor)
    client.get(reverse("supervision"))  # warm the session and content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("supervision"))
    assert response.status_code == 200
    return len(queries)


def test_supervision_list_query_count_is_the_same_for_2_and_6_trainees(client, world):
    add_trainees(world, 1)
    two = supervision_queries(client, world)
    add_trainees(world, 4, first=1)
    six = supervision_queries(client, world)
    page = client.get(reverse("supervision")).content.decode()
    assert page.count("Project 4") == 1
    assert two == six


def test_supervision_list_shows_status_last_entry_next_meeting_and_overdue(client, world):
    services.project_save(placement=world.placement, by=world.trainee, title="Frailty audit",
                          ccg_priority="Frailty", aims="Aims",
                          commissioning_stage=CommissioningStage.MONITORING)
    services.progress_add(placement=world.placement, by=world.trainee,
                          date=world.cohort.start_date, text="Old entry.")
    services.progress_add(placement=world.placement, by=world.trainee,
                          date=world.cohort.start_date + datetime.timedelta(days=7),
                          text="Newest entry about admissions.")
    client.force_login(world.supervisor)
    page = client.get(reverse("supervision")).content.decode()
    assert "Frailty audit" in page and "Proposed" in page
    assert "Newest entry about admissions." in page and "Old entry." not in page
    assert "Week 8 review" in page  # the cohort is in week 6: the next one due
    assert "Project not yet agreed" in page
    assert "First meeting with the CCG Supervisor (due by" in page
    assert "HR checklist: 6 items outstanding" in page


def test_supervision_list_shows_only_my_trainees(client, world):
    client.force_login(world.other_ccg_supervisor)
    page = client.get(reverse("supervision")).content.decode()
    assert "Dr Trainee" not in page
    assert "Dr Othertrainee" in page


@pytest.mark.parametrize("who", ["trainee", "ccg_admin", "es"])
def test_supervision_list_is_404_for_people_who_supervise_no_one(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("supervision")).status_code == 404
