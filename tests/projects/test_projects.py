import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from projects import services
from projects.models import CommissioningStage, Project

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "title": "Frailty pathway audit",
    "ccg_priority": "Care closer to home for frail older people",
    "priority_source_url": "https://example.nhs.uk/annual-report-2025.pdf",
    "aims": "Map the pathway and find avoidable admissions.",
    "commissioning_stage": CommissioningStage.STRATEGIC_PLANNING,
    "clinical_lead_name": "Dr Jane Frailty",
}


def propose(world, **overrides):
    return services.project_save(placement=world.placement, by=world.trainee,
                                 **{**PROPOSAL, **overrides})


def test_trainee_proposes_a_project_through_the_form(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("project_edit", args=[world.placement.pk]), PROPOSAL)
    assert response.status_code == 302
    project = Project.objects.get(placement=world.placement)
    assert project.status == Project.Status.PROPOSED
    assert project.title == "Frailty pathway audit"
    assert project.clinical_lead_name == "Dr Jane Frailty"
    page = client.get(reverse("project_detail", args=[world.placement.pk])).content.decode()
    assert "Frailty pathway audit" in page
    assert "Care closer to home" in page


def test_project_with_an_empty_title_shows_the_error_and_saves_nothing(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("project_edit", args=[world.placement.pk]),
                           {**PROPOSAL, "title": "   "})
    assert response.status_code == 200
    assert "Enter a title for the project." in response.content.decode()
    assert not Project.objects.exists()


def test_project_with_a_bad_link_shows_the_error_and_saves_nothing(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("project_edit", args=[world.placement.pk]),
                           {**PROPOSAL, "priority_source_url": "not a link at all"})
    assert response.status_code == 200
    assert "Enter the full web address of the paper" in response.content.decode()
    assert not Project.objects.exists()


def test_another_trainee_cannot_edit_the_project(client, world):
    propose(world)
    client.force_login(world.other_trainee)
    response = client.post(reverse("project_edit", args=[world.placement.pk]),
                           {**PROPOSAL, "title": "Hijacked"})
    assert response.status_code == 404
    assert Project.objects.get().title == "Frailty pathway audit"


def test_supervisor_cannot_edit_the_trainees_project(client, world):
    propose(world)
    client.force_login(world.supervisor)
    response = client.post(reverse("project_edit", args=[world.placement.pk]),
                           {**PROPOSAL, "title": "Changed by someone else"})
    assert response.status_code == 403
    assert Project.objects.get().title == "Frailty pathway audit"


def test_project_service_refuses_someone_other_than_the_trainee(world):
    with pytest.raises(PermissionDenied):
        services.project_save(placement=world.placement, by=world.other_trainee, **PROPOSAL)
    assert not Project.objects.exists()


def test_supervisor_agrees_the_project(client, world):
    propose(world)
    client.force_login(world.supervisor)
    response = client.post(reverse("project_action", args=[world.placement.pk, "agree"]))
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.status == Project.Status.AGREED
    assert project.agreed_by == world.supervisor


def test_trainee_cannot_agree_their_own_project(client, world):
    propose(world)
    client.force_login(world.trainee)
    response = client.post(reverse("project_action", args=[world.placement.pk, "agree"]))
    assert response.status_code == 403
    assert Project.objects.get().status == Project.Status.PROPOSED


def test_changing_an_agreed_project_needs_agreement_again(world):
    project = propose(world)
    services.project_agree(project=project, by=world.supervisor)
    services.project_confirm(project=project, by=world.pd)
    project = propose(world, aims="A different aim.")
    assert project.status == Project.Status.PROPOSED
    assert project.agreed_at is None
    assert project.confirmed_at is None


def test_editing_only_the_clinical_lead_keeps_the_agreement(world):
    project = propose(world)
    services.project_agree(project=project, by=world.supervisor)
    project = propose(world, clinical_lead_name="Dr Someone Else")
    assert project.status == Project.Status.AGREED


def test_project_goes_from_agreed_to_in_progress_to_completed(world):
    project = propose(world)
    services.project_agree(project=project, by=world.supervisor)
    services.project_start(project=project, by=world.trainee)
    project = services.project_complete(project=project, by=world.lead)
    assert project.status == Project.Status.COMPLETED
    with pytest.raises(Exception, match="completed project can no longer be changed"):
        propose(world, title="Another")


def test_a_proposed_project_cannot_be_started(client, world):
    propose(world)
    client.force_login(world.trainee)
    response = client.post(reverse("project_action", args=[world.placement.pk, "start"]),
                           follow=True)
    assert "agrees the project before it starts" in response.content.decode()
    assert Project.objects.get().status == Project.Status.PROPOSED


def test_pd_sees_the_project_and_confirms_it_is_appropriate(client, world):
    propose(world)
    client.force_login(world.pd)
    page = client.get(reverse("project_detail", args=[world.placement.pk])).content.decode()
    assert "Frailty pathway audit" in page
    client.post(reverse("project_action", args=[world.placement.pk, "confirm"]))
    assert Project.objects.get().confirmed_by == world.pd


@pytest.mark.parametrize("who", ["other_trainee", "other_ccg_supervisor", "ccg_admin", "pa",
                                 "other_pd"])
def test_project_page_is_404_for_people_without_a_part_in_it(client, world, who):
    propose(world)
    client.force_login(getattr(world, who))
    assert client.get(reverse("project_detail", args=[world.placement.pk])).status_code == 404


@pytest.mark.parametrize("who", ["trainee", "supervisor", "lead", "pd", "es", "chair"])
def test_project_page_opens_for_the_people_of_the_placement(client, world, who):
    propose(world)
    client.force_login(getattr(world, who))
    response = client.get(reverse("project_detail", args=[world.placement.pk]))
    assert response.status_code == 200
    assert "Frailty pathway audit" in response.content.decode()
