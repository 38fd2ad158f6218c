import pytest
from django.urls import reverse

from clic.accounts.models import Role, RoleMembership, User
from clic.mail.models import OutboundEmail
from projects import services
from tests import factories
from tests.fixtures.people import give_role

from .helpers import recipients

pytestmark = pytest.mark.django_db


@pytest.fixture
def unassigned(world):
    world.placement.project_lead = None
    world.placement.save()
    return world


def test_supervisor_names_a_ccg_project_lead_and_s4_goes_to_trainee_and_lead(client, unassigned):
    world = unassigned
    client.force_login(world.supervisor)
    response = client.post(reverse("project_lead", args=[world.placement.pk]),
                           {"lead": world.lead.pk})
    assert response.status_code == 302
    world.placement.refresh_from_db()
    assert world.placement.project_lead == world.lead
    assert recipients("S4") == {"trainee@nhs.test", "lead@nhs.test"}
    body = OutboundEmail.objects.get(code="S4", to_email="lead@nhs.test").body_text
    assert "week 1 or 2" in body


def test_naming_the_same_lead_twice_sends_s4_once(unassigned):
    world = unassigned
    services.project_lead_assign(placement=world.placement, lead=world.lead, by=world.supervisor)
    services.project_lead_assign(placement=world.placement, lead=world.lead, by=world.supervisor)
    assert OutboundEmail.objects.filter(code="S4").count() == 2


def test_a_project_lead_from_another_ccg_is_refused_and_nothing_changes(client, unassigned):
    world = unassigned
    other_ccg = factories.CCGFactory(name="Medway CCG")
    stranger = give_role(factories.UserFactory(full_name="Dr Far Away"), Role.PROJECT_LEAD,
                         other_ccg)
    client.force_login(world.supervisor)
    response = client.post(reverse("project_lead", args=[world.placement.pk]),
                           {"lead": stranger.pk})
    assert response.status_code == 200
    assert ("a Project Lead from another CCG cannot lead this project"
            in response.content.decode())
    with pytest.raises(Exception, match="is not a Project Lead at East Kent CCG"):
        services.project_lead_assign(placement=world.placement, lead=stranger,
                                     by=world.supervisor)
    world.placement.refresh_from_db()
    assert world.placement.project_lead is None
    assert not OutboundEmail.objects.filter(code="S4").exists()


def test_supervisor_invites_a_new_project_lead(client, unassigned):
    world = unassigned
    client.force_login(world.supervisor)
    response = client.post(reverse("project_lead", args=[world.placement.pk]), {
        "full_name": "Sam Newlead", "email": "Sam.Newlead@NHS.net", "job_title": "Manager"})
    assert response.status_code == 302
    lead = User.objects.get(email="sam.newlead@nhs.net")
    assert RoleMembership.objects.filter(user=lead, role=Role.PROJECT_LEAD,
                                         organisation=world.ccg).exists()
    world.placement.refresh_from_db()
    assert world.placement.project_lead == lead
    assert recipients("S4") == {"trainee@nhs.test", "sam.newlead@nhs.net"}
    assert recipients("INVITE") == {"sam.newlead@nhs.net"}


def test_inviting_someone_from_outside_the_ccg_is_refused(client, unassigned):
    world = unassigned
    client.force_login(world.supervisor)
    response = client.post(reverse("project_lead", args=[world.placement.pk]), {
        "full_name": "Other Trainee", "email": world.other_trainee.email})
    assert response.status_code == 200
    assert "does not work at East Kent CCG" in response.content.decode()
    world.placement.refresh_from_db()
    assert world.placement.project_lead is None
    assert not RoleMembership.objects.filter(user=world.other_trainee,
                                             role=Role.PROJECT_LEAD).exists()


def test_choosing_and_inviting_at_once_is_refused(client, unassigned):
    world = unassigned
    client.force_login(world.supervisor)
    response = client.post(reverse("project_lead", args=[world.placement.pk]), {
        "lead": world.lead.pk, "full_name": "Sam Newlead", "email": "sam@nhs.net"})
    assert "not both" in response.content.decode()
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("trainee", 403), ("pd", 403), ("es", 403),
                                             ("lead", 404), ("ccg_admin", 404)])
def test_only_the_supervisor_names_the_project_lead(client, unassigned, who, status):
    world = unassigned
    client.force_login(getattr(world, who))
    response = client.post(reverse("project_lead", args=[world.placement.pk]),
                           {"lead": world.lead.pk})
    assert response.status_code == status
    world.placement.refresh_from_db()
    assert world.placement.project_lead is None


def test_another_ccgs_supervisor_gets_404(client, unassigned):
    world = unassigned
    client.force_login(world.other_ccg_supervisor)
    response = client.get(reverse("project_lead", args=[world.placement.pk]))
    assert response.status_code == 404


def test_inviting_a_lead_at_an_address_longer_than_any_mailbox_is_refused_on_the_form(
        client, unassigned):
    world = unassigned
    client.force_login(world.supervisor)
    people = User.objects.count()
    response = client.post(reverse("project_lead", args=[world.placement.pk]), {
        "full_name": "Sam Newlead", "email": "a" * 250 + "@nhs.net", "job_title": ""})
    assert response.status_code == 200
    assert "Enter an email address of 254 characters or fewer." in response.content.decode()
    assert User.objects.count() == people
    world.placement.refresh_from_db()
    assert world.placement.project_lead is None
