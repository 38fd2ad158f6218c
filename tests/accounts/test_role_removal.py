"""Taking a role away has its own confirmation page, away from the form that adds roles
(issue 19, section 3)."""

import pytest
from django.urls import reverse

from clic.accounts.models import Role, RoleMembership
from clic.audit.models import AuditEvent
from clic.mail.models import OutboundEmail
from tests import factories
from tests.fixtures.people import give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair_role(client, world, settings):
    """A second role of the Project Lead's, and the PA signed in to take it away."""
    settings.CLIC_MFA_ENFORCED = False
    give_role(world.lead, Role.DEPUTY_CHAIR, world.ccg)
    client.force_login(world.pa)
    return RoleMembership.objects.get(user=world.lead, role=Role.DEPUTY_CHAIR)


def _address(membership) -> str:
    return reverse("membership_remove", args=[membership.user_id, membership.pk])


def test_the_person_page_links_to_the_removal_page_instead_of_removing(client, world,
                                                                      chair_role):
    page = client.get(reverse("person_detail", args=[world.lead.pk])).content.decode()

    assert f'href="{_address(chair_role)}"' in page
    assert f'action="{_address(chair_role)}"' not in page


def test_the_removal_page_says_what_goes_and_what_stays_and_removes_nothing(client, world,
                                                                           chair_role):
    page = client.get(_address(chair_role)).content.decode()

    assert "Deputy Clinical Chair, East Kent CCG" in page
    assert "CCG Project Lead, East Kent CCG" in page  # the role they keep
    assert "Nobody is emailed." in page
    assert RoleMembership.objects.filter(pk=chair_role.pk).exists()


def test_confirming_removes_the_role_and_records_who_did(client, world, chair_role):
    response = client.post(_address(chair_role), follow=True)

    assert not RoleMembership.objects.filter(pk=chair_role.pk).exists()
    assert world.lead.memberships.filter(role=Role.PROJECT_LEAD).exists()
    assert not OutboundEmail.objects.exists()  # as the page says: nobody is emailed
    event = AuditEvent.objects.get(object_type="role", object_id=chair_role.pk)
    assert event.actor == world.pa and event.action == AuditEvent.Action.DELETED
    assert "Deputy Clinical Chair, East Kent CCG removed from Dr Lead" in response.content.decode()


def test_removing_it_again_changes_nothing_and_says_when_and_by_whom(client, world, chair_role):
    client.post(_address(chair_role))

    again = client.post(_address(chair_role), follow=True).content.decode()
    back = client.get(_address(chair_role), follow=True).content.decode()

    for page in (again, back):
        assert "That role was already removed on " in page
        assert f"by {world.pa}: nothing was changed." in page
    assert AuditEvent.objects.filter(object_type="role").count() == 1


def test_a_removal_by_someone_out_of_sight_is_not_told(client, world, chair_role):
    from clic.accounts.services import membership_remove

    address = _address(chair_role)
    membership_remove(membership=chair_role, by=factories.UserFactory())

    assert client.post(address).status_code == 404
