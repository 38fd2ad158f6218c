import pytest
from django.core.management import CommandError, call_command

from clic.accounts.models import Invitation, Organisation, Role, RoleMembership, User
from clic.mail.models import OutboundEmail


def bootstrap(**changes):
    arguments = {"programme": "KSS GP CLIC", "pd_email": "First.Director@nhs.net",
                 "pd_name": "Dr First Director", **changes}
    call_command("bootstrap", *(f"--{name.replace('_', '-')}={value}"
                                for name, value in arguments.items()))


@pytest.mark.django_db
def test_bootstrap_creates_the_programme_and_invites_its_first_pd():
    bootstrap()

    programme = Organisation.objects.get(kind=Organisation.Kind.PROGRAMME)
    director = User.objects.get(email="first.director@nhs.net")
    assert programme.name == "KSS GP CLIC"
    assert RoleMembership.objects.filter(user=director, role=Role.PD,
                                         organisation=programme).count() == 1
    assert not director.has_usable_password()
    [invitation] = OutboundEmail.objects.filter(code="INVITE")
    assert invitation.to_email == "first.director@nhs.net"
    assert "/invitation/" in invitation.body_text


@pytest.mark.django_db
def test_bootstrap_run_twice_makes_nothing_twice():
    bootstrap()
    bootstrap()

    assert Organisation.objects.filter(kind=Organisation.Kind.PROGRAMME).count() == 1
    assert RoleMembership.objects.filter(role=Role.PD).count() == 1
    assert Invitation.objects.count() == 1
    assert OutboundEmail.objects.filter(code="INVITE").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "message"), [
    ({"pd_email": "not-an-address"}, "Enter the Programme Director's email address"),
    ({"programme": "  "}, "Enter the programme's name."),
    ({"pd_name": ""}, "Enter the Programme Director's full name."),
])
def test_bootstrap_with_bad_input_says_why_and_changes_nothing(changes, message):
    with pytest.raises(CommandError, match=message):
        bootstrap(**changes)

    assert not Organisation.objects.filter(kind=Organisation.Kind.PROGRAMME).exists()
    assert not User.objects.exists()
    assert not OutboundEmail.objects.exists()
