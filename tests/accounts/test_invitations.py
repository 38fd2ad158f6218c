import re

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse

from clic.accounts.models import Invitation, Role, RoleMembership, User
from clic.accounts.services import user_invite, user_update
from clic.mail.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, world, settings):
    settings.CLIC_MFA_ENFORCED = False
    client.force_login(world.pa)
    return world


def invite(client, world, **overrides):
    data = {"full_name": "Dr New Person", "email": "New.Person@NHS.net", "job_title": "",
            "role": Role.CCG_SUPERVISOR, "organisation": world.ccg.pk, **overrides}
    return client.post(reverse("person_invite"), data)


def test_invite_creates_the_person_with_role_and_queues_an_invitation(client, manager):
    response = invite(client, manager)
    person = User.objects.get(email="new.person@nhs.net")
    assert response.status_code == 302
    assert not person.has_usable_password()
    assert RoleMembership.objects.filter(user=person, role=Role.CCG_SUPERVISOR,
                                         organisation=manager.ccg).exists()
    email = OutboundEmail.objects.get(code="INVITE")
    assert email.to_email == "new.person@nhs.net"
    assert "/invitation/" in email.body_text


def test_inviting_an_existing_person_matches_them_by_email(client, manager):
    invite(client, manager, email=manager.supervisor.email.upper(), role=Role.PROJECT_LEAD)
    assert User.objects.filter(email__iexact=manager.supervisor.email).count() == 1
    assert RoleMembership.objects.filter(user=manager.supervisor, role=Role.PROJECT_LEAD).exists()
    assert not OutboundEmail.objects.filter(code="INVITE").exists()


def test_invite_with_a_role_in_the_wrong_kind_of_organisation_changes_nothing(client, manager):
    response = invite(client, manager, role=Role.ES, organisation=manager.ccg.pk)
    assert response.status_code == 200
    assert "must belong to a GP practice" in response.content.decode()
    assert not User.objects.filter(email="new.person@nhs.net").exists()
    assert not OutboundEmail.objects.exists()


def test_invite_with_a_bad_email_shows_the_error_and_saves_nothing(client, manager):
    response = invite(client, manager, email="not-an-email")
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invitation_link_sets_password_verifies_email_and_signs_in(client, manager):
    invite(client, manager)
    client.logout()
    url = re.search(r"https?://[^/]+(/invitation/\S+/)", OutboundEmail.objects.get().body_text)[1]
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"password1": "harbour lantern sixteen",
                                 "password2": "harbour lantern sixteen"})
    assert response.status_code == 302
    person = User.objects.get(email="new.person@nhs.net")
    assert person.check_password("harbour lantern sixteen")
    assert EmailAddress.objects.get(user=person).verified
    assert Invitation.objects.get(user=person).accepted_at is not None
    assert client.get(reverse("home")).status_code == 200
    # The link is single-use: the token dies with the password change.
    client.logout()
    assert client.get(url).status_code == 404


def test_invitation_refuses_a_short_or_common_password(client, manager):
    invite(client, manager)
    client.logout()
    url = re.search(r"https?://[^/]+(/invitation/\S+/)", OutboundEmail.objects.get().body_text)[1]
    response = client.post(url, {"password1": "password1234", "password2": "password1234"})
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.get(email="new.person@nhs.net").has_usable_password()


def test_a_guessed_invitation_token_is_refused(client, manager):
    invite(client, manager)
    client.logout()
    person = User.objects.get(email="new.person@nhs.net")
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(str(person.pk).encode())
    assert client.get(f"/invitation/{uid}/abc-123/").status_code == 404
    assert client.get("/invitation/zzz/abc-123/").status_code == 404


def test_manager_can_add_and_remove_a_role(client, manager):
    url = reverse("person_detail", args=[manager.lead.pk])
    client.post(url, {"role": Role.DEPUTY_CHAIR, "organisation": manager.ccg.pk})
    membership = RoleMembership.objects.get(user=manager.lead, role=Role.DEPUTY_CHAIR)
    client.post(reverse("membership_remove", args=[manager.lead.pk, membership.pk]))
    assert not RoleMembership.objects.filter(pk=membership.pk).exists()


def test_profile_saves_contact_details(client, world):
    client.force_login(world.trainee)
    client.post(reverse("profile"), {"full_name": "Dr Amy Clarke", "job_title": "ST2",
                                     "phone": "01227 123456"})
    world.trainee.refresh_from_db()
    assert world.trainee.phone == "01227 123456"


def test_calendar_token_reset_changes_the_token(client, world):
    client.force_login(world.trainee)
    before = world.trainee.calendar_token
    client.post(reverse("calendar_token_reset"))
    world.trainee.refresh_from_db()
    assert world.trainee.calendar_token != before


def test_organisation_created_as_ccg_gets_the_default_admin_mailbox(client, manager):
    client.post(reverse("organisation_create"), {"kind": "ccg", "name": "Thanet CCG",
                                                 "admin_mailbox": "", "committee_email": "",
                                                 "address": ""})
    from clic.accounts.models import Organisation

    assert Organisation.objects.get(name="Thanet CCG").admin_mailbox == "ekccgs.quality@nhs.net"


def test_an_address_longer_than_any_mailbox_is_refused_on_the_form(client, manager):
    people = User.objects.count()
    response = invite(client, manager, email="a" * 250 + "@nhs.net")
    assert response.status_code == 200
    assert "Enter an email address of 254 characters or fewer." in response.content.decode()
    assert User.objects.count() == people and not OutboundEmail.objects.exists()


@pytest.mark.parametrize("details, field", [
    ({"email": "a" * 250 + "@nhs.net", "full_name": "Dr Long Address"}, "email"),
    ({"email": "long.name@nhs.net", "full_name": "N" * 201}, "full_name"),
    ({"email": "long.title@nhs.net", "full_name": "Dr Title", "job_title": "T" * 201},
     "job_title"),
    ({"email": "long.phone@nhs.net", "full_name": "Dr Phone", "phone": "0" * 41}, "phone")])
def test_the_service_refuses_details_longer_than_a_person_can_have(
        world, details, field):
    people = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        user_invite(roles=[(Role.CCG_SUPERVISOR, world.ccg)], invited_by=world.pa, **details)
    assert list(refused.value.message_dict) == [field]
    assert User.objects.count() == people and not OutboundEmail.objects.exists()


def test_a_name_longer_than_a_person_can_have_gets_the_services_message_on_the_form(
        client, manager):
    people = User.objects.count()
    response = invite(client, manager, full_name="N" * 201)
    assert "Enter a name of 200 characters or fewer." in response.content.decode()
    assert User.objects.count() == people and not OutboundEmail.objects.exists()


@pytest.mark.parametrize("field, value", [("full_name", "N" * 201), ("job_title", "T" * 201),
                                          ("phone", "0" * 41)])
def test_the_profile_service_refuses_details_longer_than_a_person_can_have(world, field, value):
    details = {"full_name": "Dr Amy Clarke", "job_title": "ST2", "phone": "", field: value}
    with pytest.raises(ValidationError) as refused:
        user_update(user=world.trainee, **details)
    assert list(refused.value.message_dict) == [field]
    world.trainee.refresh_from_db()
    assert getattr(world.trainee, field) != value


@pytest.mark.parametrize("field, value, message", [
    ("job_title", "T" * 201, "Enter a job title of 200 characters or fewer."),
    ("phone", "0" * 41, "Enter a phone number of 40 characters or fewer.")])
def test_the_profile_form_refuses_long_details_in_the_services_words(
        client, world, field, value, message):
    client.force_login(world.trainee)
    saved = User.objects.values("full_name", "job_title", "phone").get(pk=world.trainee.pk)
    details = {"full_name": "Dr Amy Clarke-Jones", "job_title": "ST2", "phone": "", field: value}
    response = client.post(reverse("profile"), details)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.values("full_name", "job_title", "phone").get(pk=world.trainee.pk) == saved


def test_inviting_with_a_long_job_title_is_refused_in_the_services_words(client, manager):
    people = User.objects.count()
    response = invite(client, manager, job_title="T" * 201)
    assert "Enter a job title of 200 characters or fewer." in response.content.decode()
    assert User.objects.count() == people and not OutboundEmail.objects.exists()
